namespace Attune.Search;

/// <summary>
/// Sobol direction numbers for the first <see cref="Count"/> dimensions, from S. Joe and F. Y. Kuo, "Constructing Sobol
/// sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2635–2654 (2008), file
/// new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/). Those direction numbers are published under a
/// BSD-style licence: "Copyright (c) 2008, Frances Y. Kuo and Stephen Joe. All rights reserved. Redistribution and use in
/// source and binary forms, with or without modification, are permitted provided that the following conditions are met:
/// redistributions of source code must retain the above copyright notice, this list of conditions and the following
/// disclaimer; redistributions in binary form must reproduce [them] in the documentation; neither the names of the
/// copyright holders nor the names of the University of New South Wales and the University of Waikato may be used to
/// endorse or promote products derived from this software without specific prior written permission. THIS SOFTWARE IS
/// PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES ... ARE DISCLAIMED."
/// <para>Each row is dimension d = 2, 3, …: the degree s of its primitive polynomial, the polynomial's inner
/// coefficients a (its first and last coefficients, always 1, left out) and the initial direction integers m_1 … m_s.
/// Dimension 1 is the van der Corput sequence (every m = 1) and has no row. Only the numbers are taken from the file
/// (read here from the copy SciPy ships); <see cref="SobolSequence"/> derives the rest.</para>
/// </summary>
internal static class SobolDirectionNumbers
{
    /// <summary>Dimensions available: a space with more parameters than this cannot be sampled quasi-randomly.</summary>
    public const int Count = 64;

    public static readonly (int Degree, uint Coefficients, uint[] Initial)[] Rows =
    {
        (1, 0u, new uint[] { 1 }),
        (2, 1u, new uint[] { 1, 3 }),
        (3, 1u, new uint[] { 1, 3, 1 }),
        (3, 2u, new uint[] { 1, 1, 1 }),
        (4, 1u, new uint[] { 1, 1, 3, 3 }),
        (4, 4u, new uint[] { 1, 3, 5, 13 }),
        (5, 2u, new uint[] { 1, 1, 5, 5, 17 }),
        (5, 4u, new uint[] { 1, 1, 5, 5, 5 }),
        (5, 7u, new uint[] { 1, 1, 7, 11, 19 }),
        (5, 11u, new uint[] { 1, 1, 5, 1, 1 }),
        (5, 13u, new uint[] { 1, 1, 1, 3, 11 }),
        (5, 14u, new uint[] { 1, 3, 5, 5, 31 }),
        (6, 1u, new uint[] { 1, 3, 3, 9, 7, 49 }),
        (6, 13u, new uint[] { 1, 1, 1, 15, 21, 21 }),
        (6, 16u, new uint[] { 1, 3, 1, 13, 27, 49 }),
        (6, 19u, new uint[] { 1, 1, 1, 15, 7, 5 }),
        (6, 22u, new uint[] { 1, 3, 1, 15, 13, 25 }),
        (6, 25u, new uint[] { 1, 1, 5, 5, 19, 61 }),
        (7, 1u, new uint[] { 1, 3, 7, 11, 23, 15, 103 }),
        (7, 4u, new uint[] { 1, 3, 7, 13, 13, 15, 69 }),
        (7, 7u, new uint[] { 1, 1, 3, 13, 7, 35, 63 }),
        (7, 8u, new uint[] { 1, 3, 5, 9, 1, 25, 53 }),
        (7, 14u, new uint[] { 1, 3, 1, 13, 9, 35, 107 }),
        (7, 19u, new uint[] { 1, 3, 1, 5, 27, 61, 31 }),
        (7, 21u, new uint[] { 1, 1, 5, 11, 19, 41, 61 }),
        (7, 28u, new uint[] { 1, 3, 5, 3, 3, 13, 69 }),
        (7, 31u, new uint[] { 1, 1, 7, 13, 1, 19, 1 }),
        (7, 32u, new uint[] { 1, 3, 7, 5, 13, 19, 59 }),
        (7, 37u, new uint[] { 1, 1, 3, 9, 25, 29, 41 }),
        (7, 41u, new uint[] { 1, 3, 5, 13, 23, 1, 55 }),
        (7, 42u, new uint[] { 1, 3, 7, 3, 13, 59, 17 }),
        (7, 50u, new uint[] { 1, 3, 1, 3, 5, 53, 69 }),
        (7, 55u, new uint[] { 1, 1, 5, 5, 23, 33, 13 }),
        (7, 56u, new uint[] { 1, 1, 7, 7, 1, 61, 123 }),
        (7, 59u, new uint[] { 1, 1, 7, 9, 13, 61, 49 }),
        (7, 62u, new uint[] { 1, 3, 3, 5, 3, 55, 33 }),
        (8, 14u, new uint[] { 1, 3, 1, 15, 31, 13, 49, 245 }),
        (8, 21u, new uint[] { 1, 3, 5, 15, 31, 59, 63, 97 }),
        (8, 22u, new uint[] { 1, 3, 1, 11, 11, 11, 77, 249 }),
        (8, 38u, new uint[] { 1, 3, 1, 11, 27, 43, 71, 9 }),
        (8, 47u, new uint[] { 1, 1, 7, 15, 21, 11, 81, 45 }),
        (8, 49u, new uint[] { 1, 3, 7, 3, 25, 31, 65, 79 }),
        (8, 50u, new uint[] { 1, 3, 1, 1, 19, 11, 3, 205 }),
        (8, 52u, new uint[] { 1, 1, 5, 9, 19, 21, 29, 157 }),
        (8, 56u, new uint[] { 1, 3, 7, 11, 1, 33, 89, 185 }),
        (8, 67u, new uint[] { 1, 3, 3, 3, 15, 9, 79, 71 }),
        (8, 70u, new uint[] { 1, 3, 7, 11, 15, 39, 119, 27 }),
        (8, 84u, new uint[] { 1, 1, 3, 1, 11, 31, 97, 225 }),
        (8, 97u, new uint[] { 1, 1, 1, 3, 23, 43, 57, 177 }),
        (8, 103u, new uint[] { 1, 3, 7, 7, 17, 17, 37, 71 }),
        (8, 115u, new uint[] { 1, 3, 1, 5, 27, 63, 123, 213 }),
        (8, 122u, new uint[] { 1, 1, 3, 5, 11, 43, 53, 133 }),
        (9, 8u, new uint[] { 1, 3, 5, 5, 29, 17, 47, 173, 479 }),
        (9, 13u, new uint[] { 1, 3, 3, 11, 3, 1, 109, 9, 69 }),
        (9, 16u, new uint[] { 1, 1, 1, 5, 17, 39, 23, 5, 343 }),
        (9, 22u, new uint[] { 1, 3, 1, 5, 25, 15, 31, 103, 499 }),
        (9, 25u, new uint[] { 1, 1, 1, 11, 11, 17, 63, 105, 183 }),
        (9, 44u, new uint[] { 1, 1, 5, 11, 9, 29, 97, 231, 363 }),
        (9, 47u, new uint[] { 1, 1, 5, 15, 19, 45, 41, 7, 383 }),
        (9, 52u, new uint[] { 1, 3, 7, 7, 31, 19, 83, 137, 221 }),
        (9, 55u, new uint[] { 1, 1, 1, 3, 23, 15, 111, 223, 83 }),
        (9, 59u, new uint[] { 1, 1, 5, 13, 31, 15, 55, 25, 161 }),
        (9, 62u, new uint[] { 1, 1, 3, 13, 25, 47, 39, 87, 257 }),
    };
}
