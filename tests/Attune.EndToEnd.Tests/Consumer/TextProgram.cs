// A program that uses only Attune.Transformers (no [FineTune] model, so no generated native-fix initializer): it
// loads the real all-MiniLM-L6-v2 from its package, tokenizes two sentences and prints their mean-pooled similarity.
using Attune.Transformers;
using TorchSharp;

var tokenizer = TextTokenizer.FromPackage(ModelPackage.MiniLM());
using var encoder = MiniLM.LoadEncoder();
encoder.eval();
using var noGrad = torch.no_grad();
var batch = tokenizer.EncodeBatch(new[] { "The movie was surprisingly good, I loved the acting!", "A wonderful film with great actors." }, maxLength: 32);
var pooled = encoder.Pool(encoder.call(batch), batch.AttentionMask, Pooling.Mean);
var normed = torch.nn.functional.normalize(pooled, p: 2, dim: 1);
double similarity = (normed[0] * normed[1]).sum().item<float>();
Console.WriteLine($"TEXTCONSUMER ids={string.Join(",", tokenizer.Encode("The movie was surprisingly good, I loved the acting!", 32).Ids)} similarity={similarity.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}");
