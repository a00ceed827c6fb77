export { buildXml, cdata } from "./build.js";
export { DEFAULT_MAX_XML_BYTES, parseXml } from "./parse.js";
export type { ParseXmlOptions, XmlBuildRecord, XmlBuildValue, XmlRecord, XmlValue } from "./types.js";
