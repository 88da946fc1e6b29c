/**
 * The local Q service's knowledge: a folder of markdown documents, split into sections and
 * indexed with MiniSearch. Answers are extractive: the best-matching sections, verbatim, with
 * `textMessageSegments` pointing at exactly the text taken from each document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import MiniSearch from 'minisearch';
import { HOSTILE_DOCUMENTS, hostileDocument, type HostileDocument } from './hostileDocuments';

export interface KnowledgeDocument {
  documentId: string;
  title: string;
  url: string;
  updatedAt: Date;
}

interface Section {
  id: string;
  documentId: string;
  heading: string;
  body: string;
}

export interface Segment {
  // Optional: Q's model has them optional, and the hostile documents leave them out.
  beginOffset?: number;
  endOffset?: number;
  snippetExcerpt: { text: string };
}

export interface Attribution {
  document: KnowledgeDocument;
  citationNumber: number;
  snippet: string;
  segments: Segment[];
}

export interface ComposedAnswer {
  text: string;
  attributions: Attribution[];
}

/** Q's default no-answer message in retrieval mode (guardrails docs). */
export const NO_ANSWER_TEXT = "Sorry, I couldn't find enough information to answer.";

// Words that carry no topic: without this every "how do I …" question matches every document.
const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from how i if in is it me my of on or our should the to we what when where which who why will with you your about get'.split(' '),
);
const MAX_SECTIONS = 3;
const RELATIVE_SCORE_CUTOFF = 0.45;
// Below this MiniSearch score a hit is a stray fuzzy match ("cup" in a world cup question), not
// an answer: on the sample documents real questions score 8 and more, unrelated ones under 2.
const MIN_RELEVANCE_SCORE = 4;

export class Knowledge {
  private readonly documents = new Map<string, KnowledgeDocument>();
  private readonly sections = new Map<string, Section>();
  private readonly index = new MiniSearch<Section>({
    fields: ['heading', 'body', 'title'],
    storeFields: [],
    extractField: (section, field) => (field === 'title' ? this.documents.get(section.documentId)?.title ?? '' : String(section[field as keyof Section])),
    processTerm: (term) => {
      const lower = term.toLowerCase();
      return STOP_WORDS.has(lower) ? null : lower;
    },
    searchOptions: { boost: { heading: 2, title: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'OR' },
  });

  private hostileEnabled = false;

  static fromFolder(folder: string): Knowledge {
    const knowledge = new Knowledge();
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.md')).sort()) {
      knowledge.add(basename(file, '.md'), readFileSync(join(folder, file), 'utf8'));
    }
    return knowledge;
  }

  get documentCount(): number {
    return this.documents.size;
  }

  add(documentId: string, markdown: string): void {
    const { meta, content } = parseFrontMatter(markdown);
    this.documents.set(documentId, {
      documentId,
      title: meta.title ?? documentId,
      url: meta.url ?? `https://intranet.example.com/${documentId}`,
      updatedAt: new Date(meta.updated ?? '2026-01-01'),
    });
    const parts = content.split(/^## +/m).filter((part) => part.trim());
    parts.forEach((part, index) => {
      const newline = part.indexOf('\n');
      const section: Section = {
        id: `${documentId}#${index}`,
        documentId,
        heading: (newline === -1 ? part : part.slice(0, newline)).trim(),
        body: (newline === -1 ? '' : part.slice(newline + 1)).trim(),
      };
      this.sections.set(section.id, section);
      this.index.add(section);
    });
  }

  /** Answers "hostile <name>" with that hostile document's title, URL, snippet and text (see hostileDocuments.ts). */
  enableHostileDocuments(): this {
    this.hostileEnabled = true;
    return this;
  }

  /** The hostile document a question names, when hostile documents are on. */
  hostileDocumentIn(question: string): HostileDocument | undefined {
    const name = this.hostileEnabled ? /\bhostile\s+([a-z0-9-]+)/i.exec(question)?.[1]?.toLowerCase() : undefined;
    return name ? hostileDocument(name) : undefined;
  }

  /**
   * Best sections for the question; `context` (an earlier question) helps short follow-ups. With
   * nothing relevant, Q's no-answer message and no sources, as Q does in retrieval mode.
   */
  answer(question: string, context?: string): ComposedAnswer {
    if (this.hostileEnabled && /\bhostile\s+list\b/i.test(question)) return { text: HOSTILE_DOCUMENTS.map((document) => `- hostile ${document.name}: ${document.tries}`).join('\n'), attributions: [] };
    const hostile = this.hostileDocumentIn(question);
    if (hostile) return hostileAnswer(hostile);
    const relevant = (query: string) => this.index.search(query).filter((hit) => hit.score >= MIN_RELEVANCE_SCORE);
    let hits = relevant(question);
    if (hits.length === 0 && context) hits = relevant(`${context} ${question}`);
    const best = hits[0]?.score ?? 0;
    const chosen = hits
      .filter((hit) => hit.score >= best * RELATIVE_SCORE_CUTOFF)
      .slice(0, MAX_SECTIONS)
      .map((hit) => this.sections.get(String(hit.id)) as Section);
    if (chosen.length === 0) return { text: NO_ANSWER_TEXT, attributions: [] };

    let text = '';
    const byDocument = new Map<string, Attribution>();
    for (const section of chosen) {
      const document = this.documents.get(section.documentId) as KnowledgeDocument;
      text += `### ${section.heading}\n\n`;
      const beginOffset = text.length;
      text += section.body;
      const endOffset = text.length;
      text += '\n\n';
      const attribution =
        byDocument.get(document.documentId) ??
        ({ document, citationNumber: byDocument.size + 1, snippet: excerpt(section.body), segments: [] } satisfies Attribution);
      attribution.segments.push({ beginOffset, endOffset, snippetExcerpt: { text: excerpt(section.body) } });
      byDocument.set(document.documentId, attribution);
    }
    return { text: text.trimEnd(), attributions: [...byDocument.values()] };
  }
}

/** A hostile document's answer, as Q would return it: its text, cited to it (or to thousands like it). */
function hostileAnswer(document: HostileDocument): ComposedAnswer {
  const snippet = document.snippet ?? excerpt(document.body);
  const segments = (document.segments ?? [{ beginOffset: 0, endOffset: document.body.length }]).map((segment) => ({ ...segment, snippetExcerpt: { text: snippet } }));
  const count = document.sources ?? 1;
  const attributions = Array.from({ length: count }, (_, index): Attribution => ({
    document: {
      documentId: count === 1 ? `hostile-${document.name}` : `hostile-${document.name}-${index + 1}`,
      title: count === 1 ? document.title : `${document.title} ${index + 1}: ${'a long document title '.repeat(8)}`,
      url: count === 1 ? document.url ?? '' : `${document.url ?? 'https://intranet.example.com'}/${index + 1}`,
      updatedAt: new Date('2026-11-01'),
    },
    citationNumber: index + 1,
    snippet,
    segments,
  }));
  return { text: document.body, attributions };
}

function excerpt(body: string): string {
  const plain = body.replace(/\s+/g, ' ').trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

function parseFrontMatter(markdown: string): { meta: Record<string, string>; content: string } {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  if (!match) return { meta: {}, content: markdown };
  const meta: Record<string, string> = {};
  for (const line of (match[1] ?? '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) meta[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { meta, content: markdown.slice(match[0].length) };
}
