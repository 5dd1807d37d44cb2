// Known-answer tests of the diversity measures on completions counted by hand.
import { describe, expect, it } from 'vitest';
import { distinctN, distinctShare, diversityStats, meanEntropy, selfSimilarity } from './diversity';

describe('distinctShare', () => {
  it('counts exact distinct completions over N', () => {
    expect(distinctShare(['a b', 'a b', 'a c', 'a b '])).toBe(3 / 4); // 'a b ' differs from 'a b'
    expect(distinctShare(['x', 'x', 'x', 'x'])).toBe(1 / 4);
    expect(distinctShare([])).toBe(0);
  });
});

describe('distinctN', () => {
  const completions = ['the cat sat', 'the cat ran', '  the\tdog  sat\n'];

  it('distinct-1 pools whitespace-split words over all completions', () => {
    // words: the cat sat | the cat ran | the dog sat → 9 words, distinct {the, cat, sat, ran, dog} = 5
    expect(distinctN(completions, 1)).toBe(5 / 9);
  });

  it('distinct-2 and distinct-3 do not cross completion boundaries', () => {
    // bigrams: the cat, cat sat | the cat, cat ran | the dog, dog sat → 6, distinct 5
    expect(distinctN(completions, 2)).toBe(5 / 6);
    // trigrams: one per completion, all different
    expect(distinctN(completions, 3)).toBe(1);
    expect(distinctN(['a a a a'], 2)).toBe(1 / 3);
  });

  it('is 0 without any n-gram and rejects a bad n', () => {
    expect(distinctN(['one two'], 3)).toBe(0);
    expect(distinctN(['', '   '], 1)).toBe(0);
    expect(() => distinctN(['a'], 0)).toThrow(RangeError);
  });
});

describe('meanEntropy and diversityStats', () => {
  it('averages over every generated token, skipping non-finite values', () => {
    // (1 + 2 + 3 + 6) / 4, not the mean of the per-completion means ((2 + 6) / 2 = 4)
    expect(meanEntropy([[1, 2, 3], [6]])).toBe(3);
    expect(meanEntropy([[1, NaN], [3]])).toBe(2);
    expect(meanEntropy([])).toBe(0);
    expect(meanEntropy([[], []])).toBe(0);
  });

  it('collects all measures', () => {
    const { similarity, ...rest } = diversityStats(['a b c', 'a b c', 'a b d'], [[0.5, 1.5], [1]]);
    expect(rest).toEqual({ distinctShare: 2 / 3, distinct1: 4 / 9, distinct2: 3 / 6, distinct3: 2 / 3, entropy: 1 });
    // byte 4-grams: {"a b ", " b c"} twice and {"a b ", " b d"}: pairs 1, 1/3, 1/3
    expect(similarity).toBeCloseTo(5 / 9, 12);
  });
});

describe('selfSimilarity', () => {
  it('is 1 for identical texts, 0 for texts sharing no 4-gram, and the mean over pairs', () => {
    expect(selfSimilarity(['abcdef', 'abcdef'])).toBe(1);
    expect(selfSimilarity(['abcd', 'wxyz'])).toBe(0);
    // abcde: {abcd, bcde}; abcdx: {abcd, bcdx} → 1/3; with wxyz: 0 and 0
    expect(selfSimilarity(['abcde', 'abcdx', 'wxyz'])).toBeCloseTo(1 / 9, 12);
  });

  it('counts two texts too short for a 4-gram as identical, and needs two completions', () => {
    expect(selfSimilarity(['ab', 'cd'])).toBe(1);
    expect(selfSimilarity(['abcdef'])).toBe(0);
    expect(selfSimilarity([])).toBe(0);
  });

  it('works on bytes, so a multi-byte character is four bytes of one 4-gram', () => {
    expect(selfSimilarity(['😀', '😀'])).toBe(1);
    expect(selfSimilarity(['😀', '😁'])).toBe(0);
  });
});
