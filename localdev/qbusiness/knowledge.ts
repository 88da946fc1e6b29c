/**
 * The local Q service's knowledge: a folder of markdown documents, split into sections and
 * indexed with MiniSearch. Answers are extractive: the best-matching sections, verbatim, with
 * `textMessageSegments` pointing at exactly the text taken from each document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import MiniSearch from 'minisearch';
import type { DocumentAttributes } from './attributeFilter';
import { HOSTILE_DOCUMENTS, hostileDocument, type HostileDocument } from './hostileDocuments';

export interface KnowledgeDocument {
  documentId: string;
  title: string;
  url: string;
  updatedAt: Date;
  /** What an attributeFilter sees (./attributeFilter): Q's reserved attributes from the front matter. */
  attributes: DocumentAttributes;
}

/** Which documents a turn may draw from (its attributeFilter); absent: all. */
export type DocumentFilter = (document: KnowledgeDocument) => boolean;

interface Section {
  id: string;
  documentId: string;
  heading: string;
  body: string;
}

interface Passage {
  id: string;
  sectionId: string;
  documentId: string;
  text: string;
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
// A follow-up's answer is one or two passages (the sample documents' passages score 2–10 for
// the words they contain; a single stray prefix match scores under 1).
const MAX_PASSAGES = 2;
const MIN_PASSAGE_SCORE = 1;
const processTerm = (term: string): string | null => {
  const lower = term.toLowerCase();
  // One letter ("s" of "what's") would prefix-match half the documents.
  return lower.length < 2 || STOP_WORDS.has(lower) ? null : lower;
};

export class Knowledge {
  private readonly documents = new Map<string, KnowledgeDocument>();
  private readonly sections = new Map<string, Section>();
  private readonly index = new MiniSearch<Section>({
    fields: ['heading', 'body', 'title'],
    storeFields: [],
    extractField: (section, field) => (field === 'title' ? this.documents.get(section.documentId)?.title ?? '' : String(section[field as keyof Section])),
    processTerm,
    searchOptions: { boost: { heading: 2, title: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'OR' },
  });
  private readonly passages = new Map<string, Passage>();
  // A passage is found by its own words and its section's heading ("If you clicked a link").
  private readonly passageIndex = new MiniSearch<Passage>({
    fields: ['text', 'heading'],
    storeFields: [],
    extractField: (passage, field) => (field === 'heading' ? this.sections.get(passage.sectionId)?.heading ?? '' : String(passage[field as keyof Passage])),
    processTerm,
    searchOptions: { combineWith: 'OR' },
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
    const title = meta.title ?? documentId;
    const url = meta.url ?? `https://intranet.example.com/${documentId}`;
    const updatedAt = new Date(meta.updated ?? '2026-01-01');
    this.documents.set(documentId, {
      documentId,
      title,
      url,
      updatedAt,
      attributes: {
        _document_title: title,
        _source_uri: url,
        _last_updated_at: updatedAt,
        _data_source_id: meta.data_source ?? 'local-documents',
        ...(meta.category ? { _category: meta.category } : {}),
      },
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
      passagesOf(section.body).forEach((text, number) => {
        const passage: Passage = { id: `${section.id}.${number}`, sectionId: section.id, documentId, text };
        this.passages.set(passage.id, passage);
        this.passageIndex.add(passage);
      });
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
   * Best sections for the question, as Q answers a question on its own. In a conversation
   * (`earlierQuestions`, newest first) a follow-up answers the follow-up: when the question finds
   * nothing new on its own ("how long is it valid?", or what the last answer already said), the
   * passages that best match the new question, looked up only in the documents of the topic being
   * discussed. The earlier question disambiguates; it never supplies an answer the new question
   * does not ask for, so an unrelated question mid-conversation gets the no-answer message.
   */
  answer(question: string, earlierQuestions: readonly string[] = [], allowed?: DocumentFilter): ComposedAnswer {
    this.allowed = allowed;
    try {
      return this.answerFrom(question, earlierQuestions);
    } finally {
      this.allowed = undefined;
    }
  }

  /** The attributes every sample document has, by name (for the local admin's data source listing). */
  attributeNames(): string[] {
    return [...new Set([...this.documents.values()].flatMap((document) => Object.keys(document.attributes)))].sort();
  }

  private allowed?: DocumentFilter;

  private isAllowed(documentId: string | undefined): boolean {
    const document = documentId ? this.documents.get(documentId) : undefined;
    return Boolean(document) && (!this.allowed || this.allowed(document as KnowledgeDocument));
  }

  private answerFrom(question: string, earlierQuestions: readonly string[]): ComposedAnswer {
    if (this.hostileEnabled && /\bhostile\s+list\b/i.test(question)) return { text: HOSTILE_DOCUMENTS.map((document) => `- hostile ${document.name}: ${document.tries}`).join('\n'), attributions: [] };
    const hostile = this.hostileDocumentIn(question);
    if (hostile) return hostileAnswer(hostile);
    const sections = this.relevantSections(question);
    const wholeSections = () => compose(sections.map((section) => ({ section, text: section.body, heading: true })), this.documents);
    const topic = this.topicOf(earlierQuestions);
    // No topic yet, or a new one (a covered question that is not about what was just answered).
    const isNew = sections.length > 0 && !topic.sections.has(sections[0]?.id ?? '');
    if (topic.sections.size === 0 || isNew) return wholeSections();

    const topicDocuments = new Set([...topic.sections].map((id) => this.sections.get(id)?.documentId));
    // What the follow-up adds to the topic ("how long … valid") is what it asks.
    const asked = termsOf(question);
    const added = asked.filter((term) => !topic.terms.has(term));
    // The same question again gets the same answer.
    if (added.length === 0 && sections.length > 0) return wholeSections();
    const hits = this.passageIndex
      .search(added.join(' '), { fuzzy: false, prefix: (term) => term.length >= 5, filter: (hit) => topicDocuments.has(this.passages.get(String(hit.id))?.documentId) && this.isAllowed(this.passages.get(String(hit.id))?.documentId) })
      .filter((hit) => hit.score >= MIN_PASSAGE_SCORE);
    const best = hits[0]?.score ?? 0;
    const chosen = hits
      .filter((hit) => hit.score >= best * RELATIVE_SCORE_CUTOFF)
      .slice(0, MAX_PASSAGES)
      .map((hit) => this.passages.get(String(hit.id)) as Passage);
    return compose(
      chosen.map((passage) => ({ section: this.sections.get(passage.sectionId) as Section, text: passage.text, heading: false })),
      this.documents,
    );
  }

  private relevantSections(question: string): Section[] {
    const hits = this.index.search(question).filter((hit) => hit.score >= MIN_RELEVANCE_SCORE && this.isAllowed(this.sections.get(String(hit.id))?.documentId));
    const best = hits[0]?.score ?? 0;
    return hits
      .filter((hit) => hit.score >= best * RELATIVE_SCORE_CUTOFF)
      .slice(0, MAX_SECTIONS)
      .map((hit) => this.sections.get(String(hit.id)) as Section);
  }

  /** What the conversation is about: the sections found by the newest earlier question that found any, and its words. */
  private topicOf(earlierQuestions: readonly string[]): { sections: Set<string>; terms: Set<string> } {
    for (const earlier of earlierQuestions) {
      const sections = this.relevantSections(earlier);
      if (sections.length > 0) return { sections: new Set(sections.map((section) => section.id)), terms: new Set(termsOf(earlier)) };
    }
    return { sections: new Set(), terms: new Set() };
  }
}

const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];

function termsOf(text: string): string[] {
  return tokenize(text).flatMap((token) => {
    const term = token ? processTerm(token) : null;
    return term ? [term] : [];
  });
}

/** Extractive answer text with `textMessageSegments` pointing at exactly what was taken from each document. */
function compose(parts: { section: Section; text: string; heading: boolean }[], documents: Map<string, KnowledgeDocument>): ComposedAnswer {
  if (parts.length === 0) return { text: NO_ANSWER_TEXT, attributions: [] };
  let text = '';
  const byDocument = new Map<string, Attribution>();
  for (const part of parts) {
    const document = documents.get(part.section.documentId) as KnowledgeDocument;
    if (part.heading) text += `### ${part.section.heading}\n\n`;
    const beginOffset = text.length;
    text += part.text;
    const endOffset = text.length;
    text += '\n\n';
    const attribution =
      byDocument.get(document.documentId) ??
      ({ document, citationNumber: byDocument.size + 1, snippet: excerpt(part.text), segments: [] } satisfies Attribution);
    attribution.segments.push({ beginOffset, endOffset, snippetExcerpt: { text: excerpt(part.text) } });
    byDocument.set(document.documentId, attribution);
  }
  return { text: text.trimEnd(), attributions: [...byDocument.values()] };
}

/**
 * A section's passages: its paragraphs, lists and code blocks. A paragraph that introduces what
 * follows (ends with a colon) stays with it, and a fenced code block is never split.
 */
function passagesOf(body: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let inFence = false;
  for (const line of body.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (!inFence && line.trim() === '') {
      if (current.length) blocks.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length) blocks.push(current.join('\n'));
  const passages: string[] = [];
  for (const block of blocks) {
    const previous = passages[passages.length - 1];
    if (previous !== undefined && previous.trimEnd().endsWith(':')) passages[passages.length - 1] = `${previous}\n\n${block}`;
    else passages.push(block);
  }
  return passages;
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
      attributes: { _data_source_id: 'hostile-documents' },
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
