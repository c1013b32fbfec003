/**
 * The words a query asks for, as plain text: the text itself ("plain"), or
 * the words of the query language's terms and phrases outside NOT clauses
 * ("query"). Models that weigh the query's own words (feedback, proximity)
 * start from these.
 */
import type { QueryNode } from "../../lexical/query-ast.js";
import { parseQuery } from "../../lexical/query-parser.js";

export function queryWords(query: string | undefined, syntax: "query" | "plain"): string {
  if (query === undefined || query.trim() === "") return "";
  return syntax === "plain" ? query : positiveWords(parseQuery(query)).join(" ");
}

function positiveWords(node: QueryNode): string[] {
  switch (node.kind) {
    case "term":
    case "phrase":
      return [node.text];
    case "bool":
      return [...node.must, ...node.should].flatMap(positiveWords);
    default:
      return [];
  }
}
