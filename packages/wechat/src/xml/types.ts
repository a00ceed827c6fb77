/** A parsed element's value: leaf text, a nested element, or the values of a repeated tag. */
export type XmlValue = string | XmlRecord | XmlValue[];

/**
 * The children of one element by tag name. Records inherit nothing (their prototype is an
 * empty, frozen object without a prototype), so tag names never reach `Object.prototype`;
 * read them as `record.Tag`, and use `Object.keys` rather than inherited helpers.
 */
export interface XmlRecord {
  [tag: string]: XmlValue;
}

/**
 * What {@link buildXml} accepts: strings (written as CDATA), finite numbers and booleans (bare),
 * nested elements, arrays (one element per item, same tag) and `undefined` (left out).
 */
export type XmlBuildValue = string | number | boolean | undefined | XmlBuildRecord | readonly XmlBuildValue[];

/** An element's children for {@link buildXml}, in insertion order. */
export interface XmlBuildRecord {
  readonly [tag: string]: XmlBuildValue;
}

/** Options of {@link parseXml}. */
export interface ParseXmlOptions {
  /** Largest accepted document in UTF-8 bytes; default 1 MiB. */
  maxBytes?: number;
}
