// Part of `npm run build`: parses the built-in behavior patterns once and writes them,
// by the SHA-256 of each file's text, beside the compiled correlation library
// (libs/intelligence/correlation/dist/builtin-patterns.json). A pattern loader takes a file
// from it only when the file's text is exactly the text parsed here (pattern-bundle.ts);
// each file's size and mtime are kept beside, so a start-up takes an unchanged file without
// reading and hashing it (a file whose size or mtime differs is read and judged by its text).
import { writeFileSync } from 'node:fs';
import { BUILTIN_PATTERN_BUNDLE, BUILTIN_PATTERN_DIR, bundlePatternDirectory } from '../libs/intelligence/correlation/dist/index.js';

const bundle = bundlePatternDirectory(BUILTIN_PATTERN_DIR);
writeFileSync(BUILTIN_PATTERN_BUNDLE, `${JSON.stringify(bundle)}\n`);
