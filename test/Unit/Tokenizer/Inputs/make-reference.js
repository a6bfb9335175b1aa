// Writes reference-llama-2.json and reference-llama-3.json: the ids and
// decoded text that Hugging Face's own tokenizers library (the Rust crate,
// through its Node bindings) gives for the cases below. The unit tests compare
// attn's tokenizer against these files.
//
//   npm install tokenizers@0.23.2
//   node make-reference.js /path/to/shared/tokenizers
const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const path = require('path');

const multilingual = fs.readFileSync(path.join(__dirname, 'multilingual.txt'), 'utf8');

const common = [
  'who',
  'How to predict',
  ' who',
  '  two leading spaces',
  'trailing spaces   ',
  'Hello, world!',
  '',
  ' ',
  '   ',
  '\n',
  '\n\n\n',
  ' \n \n ',
  '\t\tTabs\tinside',
  'a\r\nb\r\n\r\nc',
  'line one\n\n  line two  \n',
  '12345678901',
  'a1b22c333d4444e55555',
  '3.14159 and 2,718',
  "I'm, you're, he's, we've, they'll, I'd, it't",
  "I'M YOU'RE HE'S WE'VE THEY'LL I'D",
  "don't 's 'x 'ſ",
  '!!!???...,,,;;;',
  '...\n\n--\n',
  'hello123world',
  'e\u0301 vs \u00e9',
  'a\u00a0b\u3000c\u2003d',
  'zero\u200bwidth\u200djoiner',
  'Café naïve façade résumé Ærøskøbing',
  'Привет, мир! Как дела?',
  'مرحبا بالعالم',
  '你好，世界。日本語のテキスト、한국어 텍스트',
  'Emoji: 😀🎉👍🏽 👨‍👩‍👧 🇫🇷',
  '∑ x² ≠ ∞ — “quotes” ‘single’ … ½ Ⅻ ①',
  '\u{1F600}',
  '\u{10FFFD}\u{E000}',
  multilingual,
];

const perTokenizer = {
  'llama-2': [
    'Hello</s>world <s>x',
    '<s><s>',
    '<unk> <s',
  ],
  'llama-3': [
    '<|begin_of_text|>Hello<|eot_id|>world',
    '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    '<|eot_id|><|eot_id|> <|eot_id|>x<|eot_id',
  ],
};

function byteId(tok, name, b) {
  if (name === 'llama-2')
    return tok.tokenToId('<0x' + b.toString(16).toUpperCase().padStart(2, '0') + '>');
  // GPT-2's byte-to-character table.
  const printable = [];
  for (let i = 0x21; i <= 0x7e; ++i) printable.push(i);
  for (let i = 0xa1; i <= 0xac; ++i) printable.push(i);
  for (let i = 0xae; i <= 0xff; ++i) printable.push(i);
  let ch;
  if (printable.includes(b)) {
    ch = String.fromCodePoint(b);
  } else {
    let n = 0;
    for (let i = 0; i < 256; ++i) {
      if (printable.includes(i)) continue;
      if (i === b) { ch = String.fromCodePoint(256 + n); break; }
      ++n;
    }
  }
  return tok.tokenToId(ch);
}

(async () => {
  const dir = process.argv[2];
  for (const name of ['llama-2', 'llama-3']) {
    const tok = Tokenizer.fromFile(path.join(dir, name, 'tokenizer.json'));
    const out = { generator: 'tokenizers@0.23.2 (Hugging Face, Rust, Node bindings)',
                  encode: [], decode: [] };
    for (const text of common.concat(perTokenizer[name])) {
      const plain = await tok.encode(text, null, { addSpecialTokens: false });
      const ids = plain.getIds();
      out.encode.push({
        text,
        ids,
        with_special: (await tok.encode(text, null, { addSpecialTokens: true })).getIds(),
        decoded: await tok.decode(ids, false),
      });
    }
    const b = (x) => byteId(tok, name, x);
    const word = (await tok.encode(' a', null, { addSpecialTokens: false })).getIds();
    const decodeCases = [
      [b(0xe2)],
      [b(0xe2), b(0x82)],
      [b(0xe2), b(0x82), b(0xac)],
      [b(0xe2), b(0x82)].concat(word),
      word.concat([b(0xff)], word),
      [b(0xc3), b(0xa9), b(0xe2)],
      [b(0x80), b(0x80)].concat(word),
      [b(0xf0), b(0x9f), b(0x98)],
      [b(0xed), b(0xa0), b(0x80)],
      [b(0xc0), b(0xaf)],
      [b(0x41), b(0xe2), b(0x82), b(0x41)],
    ];
    const special = tok.tokenToId(name === 'llama-2' ? '<s>' : '<|begin_of_text|>');
    decodeCases.push([special].concat(word));
    decodeCases.push(word.concat([special], word));
    for (const ids of decodeCases) {
      out.decode.push({ ids, text: await tok.decode(ids, false),
                        skip_special: await tok.decode(ids, true) });
    }
    fs.writeFileSync(path.join(__dirname, `reference-${name}.json`),
                     JSON.stringify(out, null, 1) + '\n');
  }
})();
