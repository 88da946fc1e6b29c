/**
 * Character classes that never belong in text or links shown to a person: controls, bidi
 * overrides and isolates, zero-width and other invisible characters. One place, so the link
 * policy, plain-text rendering and log lines agree on what is hidden.
 */

// C0/C1 controls except tab and line breaks (those are whitespace, handled by callers).
const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';
// Bidi embeddings, overrides, isolates and marks: they reorder what is shown (RLO "fdp.exe").
const BIDI = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
// Zero-width and invisible formatting characters, the byte-order mark and interlinear annotations.
const INVISIBLE = '\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180E\\u200B-\\u200D\\u2060-\\u2064\\u206A-\\u206F\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB';
// Unicode "tag" characters can smuggle invisible ASCII text.
const TAGS = '\\u{E0000}-\\u{E007F}';

/** Characters removed from any text shown to a person. */
export const HIDDEN_CHARACTERS = new RegExp(`[${CONTROLS}${BIDI}${INVISIBLE}${TAGS}]`, 'gu');

/** Any of the hidden characters, or any whitespace: none of these may appear in a link target. */
export const NOT_IN_LINKS = new RegExp(`[${CONTROLS}${BIDI}${INVISIBLE}${TAGS}\\s]`, 'u');

/** Bidi controls alone, for tests and for telling a person why a link was refused. */
export const BIDI_CHARACTERS = new RegExp(`[${BIDI}]`, 'u');

/** Lone surrogates are not text; JSON keeps them but renderers show replacement boxes. */
export const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What is removed from answer text: controls, bidi overrides and tags, but not the zero-width
 * joiners some scripts and emoji sequences need (link text and titles lose those too).
 */
export const HIDDEN_IN_PROSE = new RegExp(`[${CONTROLS}${BIDI}${TAGS}\\uFEFF]`, 'gu');
