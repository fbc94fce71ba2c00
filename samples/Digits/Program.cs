Console.WriteLine("digits: not yet");
