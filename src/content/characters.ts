/**
 * The one rule for characters that never reach a person from untrusted text (answers, titles,
 * snippets, field labels, file names, error messages, previews): controls, bidi controls,
 * zero-width and other invisible characters, tag characters, and variation selectors where they
 * can disguise a letter. Every surface strips with `stripHidden`, so they all agree.
 */

// C0/C1 controls except tab and line breaks (those are whitespace, handled by callers).
const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';
// Bidi embeddings, overrides, isolates and marks (incl. the Arabic letter mark U+061C): they reorder what is shown (RLO "fdp.exe").
const BIDI = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
// Zero-width and invisible formatting characters, word joiner and invisible operators (U+2060–2064), the BOM, interlinear annotations.
const INVISIBLE = '\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B\\u2028\\u2029\\u2060-\\u2064\\u206A-\\u206F\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB';
// Unicode "tag" characters can smuggle invisible ASCII text.
const TAGS = '\\u{E0000}-\\u{E007F}';
// Variation selectors other than the emoji/text pair, and the supplementary ones: invisible, and they defeat look-alike checks.
const VARIATION = '\\uFE00-\\uFE0D\\u{E0100}-\\u{E01EF}';

/** Always removed. */
const ALWAYS = `${CONTROLS}${BIDI}${INVISIBLE}${TAGS}${VARIATION}`;

/**
 * Removed unless they do a real job: U+FE0E/FE0F only after an emoji, digit, # or * (emoji and
 * keycap presentation); the zero-width joiner only between emoji; the non-joiner only between
 * two non-Latin letters (Persian and Indic spelling). Anywhere else they only disguise text.
 */
const CONTEXTUAL = [
  '(?<![\\p{Extended_Pictographic}\\p{Emoji_Modifier}0-9#*])[\\uFE0E\\uFE0F]',
  '(?<![\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\uFE0F])\\u200D',
  '\\u200D(?!\\p{Extended_Pictographic})',
  '(?<!(?!\\p{Script=Latin})\\p{L}\\p{M}*)\\u200C',
  '\\u200C(?!(?!\\p{Script=Latin})\\p{L})',
];

/** The one stripping rule, as a global regular expression. */
export const HIDDEN_CHARACTERS = new RegExp(`[${ALWAYS}]|${CONTEXTUAL.join('|')}`, 'gu');

/** Lone surrogates are not text; JSON keeps them but renderers show replacement boxes. */
export const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Any hidden character (contextual ones included), or any whitespace: none of these may appear in a link target. */
export const NOT_IN_LINKS = new RegExp(`[${ALWAYS}\\u200C\\u200D\\uFE0E\\uFE0F\\s]`, 'u');

/** Untrusted text with every hidden character removed and lone surrogates replaced; line breaks and tabs kept. */
export function stripHidden(raw: string): string {
  return raw.replace(LONE_SURROGATES, '\uFFFD').replace(HIDDEN_CHARACTERS, '');
}
