import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError, InvalidQueryError } from "../core/errors.js";
import { boolDepth, validateQueryNode, type BoolNode, type QueryNode } from "./query-ast.js";
import { escapeQueryWord, parseQuery, queryToString, type ParseQueryOptions } from "./query-parser.js";

// ---- helpers

const term = (text: string, field?: string, boost?: number): QueryNode => ({
  kind: "term",
  ...(field !== undefined ? { field } : {}),
  text,
  ...(boost !== undefined ? { boost } : {}),
});
const bool = (parts: Partial<Omit<BoolNode, "kind">>): BoolNode => ({ kind: "bool", must: [], should: [], mustNot: [], ...parts });
const matchAll: QueryNode = { kind: "matchAll" };

function parses(input: string, expected: QueryNode, options?: ParseQueryOptions): void {
  const actual = parseQuery(input, options);
  assert.deepEqual(actual, expected, `parsing ${JSON.stringify(input)}`);
  // every parsed AST validates and survives JSON and printing
  assert.deepEqual(validateQueryNode(JSON.parse(JSON.stringify(actual))), actual);
  assert.deepEqual(parseQuery(queryToString(actual)), actual, `printed as ${JSON.stringify(queryToString(actual))}`);
}

function same(a: string, b: string, options?: ParseQueryOptions): void {
  assert.deepEqual(parseQuery(a, options), parseQuery(b, options), `${JSON.stringify(a)} should equal ${JSON.stringify(b)}`);
}

function fails(input: string, position: number | undefined, message: RegExp, options?: ParseQueryOptions): void {
  assert.throws(
    () => parseQuery(input, options),
    (err: unknown) => {
      assert.ok(err instanceof InvalidQueryError, `expected InvalidQueryError for ${JSON.stringify(input)}, got ${String(err)}`);
      assert.equal(err.code, "INVALID_QUERY");
      assert.equal(err.position, position, `position for ${JSON.stringify(input)}: ${err.message}`);
      assert.match(err.message, message);
      return true;
    },
  );
}

// ---- words, phrases, fields

test("bare words are should clauses (bag of words); one word is a term", () => {
  parses("neural", term("neural"));
  parses("neural retrieval", bool({ should: [term("neural"), term("retrieval")] }));
  parses("  neural \t\n retrieval  ", bool({ should: [term("neural"), term("retrieval")] }));
  parses("lower and or not", bool({ should: ["lower", "and", "or", "not"].map((w) => term(w)) }));
});

test("defaultOperator and makes side-by-side words required", () => {
  parses("neural retrieval", bool({ must: [term("neural"), term("retrieval")] }), { defaultOperator: "and" });
  parses("a b OR c", bool({ should: [bool({ must: [term("a"), term("b")] }), term("c")] }), { defaultOperator: "and" });
  parses("a -b", bool({ must: [term("a")], mustNot: [term("b")] }), { defaultOperator: "and" });
  parses("a +b c", bool({ must: [term("a"), term("b"), term("c")] }), { defaultOperator: "and" });
});

test("phrases, with slop and boost", () => {
  parses('"dense retrieval"', { kind: "phrase", text: "dense retrieval", slop: 0 });
  parses('"dense retrieval"~2', { kind: "phrase", text: "dense retrieval", slop: 2 });
  parses('"dense retrieval"~2^1.5', { kind: "phrase", text: "dense retrieval", slop: 2, boost: 1.5 });
  parses('"say \\"hi\\" \\\\ ok"', { kind: "phrase", text: 'say "hi" \\ ok', slop: 0 });
  parses('"a (b) AND c: d*"', { kind: "phrase", text: "a (b) AND c: d*", slop: 0 });
  parses('""', { kind: "phrase", text: "", slop: 0 });
  parses('"a""b"', bool({ should: [{ kind: "phrase", text: "a", slop: 0 }, { kind: "phrase", text: "b", slop: 0 }] }));
});

test("fields apply to a word, a phrase or a group", () => {
  parses("title:transformer", term("transformer", "title"));
  parses('title:"dense retrieval"', { kind: "phrase", field: "title", text: "dense retrieval", slop: 0 });
  parses("title:(a b)", bool({ should: [term("a", "title"), term("b", "title")] }));
  parses("title:(a body:b)", bool({ should: [term("a", "title"), term("b", "body")] }));
  parses("title:(a -(b c))", bool({ should: [term("a", "title")], mustNot: [bool({ should: [term("b", "title"), term("c", "title")] })] }));
  parses("title: transformer", term("transformer", "title"));
  parses("meta.year:2020", term("2020", "meta.year"));
  parses("NOT:x", term("x", "NOT"));
  parses("my\\ field:x", term("x", "my field"));
});

test("keyword, number and date values are raw text; quoted and bare values with dots", () => {
  parses("category:cs.IR", term("cs.IR", "category"));
  parses('category:"cs.IR"', { kind: "phrase", field: "category", text: "cs.IR", slop: 0 });
  parses("year:2020", term("2020", "year"));
  parses("date:2024-05-01", term("2024-05-01", "date"));
  parses("version:1.2.3", term("1.2.3", "version"));
});

test("defaultField is given to words, phrases, prefixes and ranges without a field", () => {
  const options = { defaultField: "body" };
  parses("a title:b", bool({ should: [term("a", "body"), term("b", "title")] }), options);
  assert.deepEqual(parseQuery('"a b" c* [1 TO 2] >3', options), bool({
    should: [
      { kind: "phrase", field: "body", text: "a b", slop: 0 },
      { kind: "prefix", field: "body", prefix: "c" },
      { kind: "range", field: "body", lower: "1", upper: "2", includeLower: true, includeUpper: true },
      { kind: "range", field: "body", lower: "3", includeLower: false, includeUpper: true },
    ],
  }));
  assert.deepEqual(parseQuery("*", options), matchAll, "* stays match-all");
  assert.deepEqual(parseQuery("", options), matchAll);
});

// ---- boolean operators and precedence

test("AND, OR, NOT and their symbols", () => {
  parses("a AND b", bool({ must: [term("a"), term("b")] }));
  parses("a && b", bool({ must: [term("a"), term("b")] }));
  parses("a OR b", bool({ should: [term("a"), term("b")] }));
  parses("a || b", bool({ should: [term("a"), term("b")] }));
  parses("a AND NOT b", bool({ must: [term("a")], mustNot: [term("b")] }));
  parses("a && !b", bool({ must: [term("a")], mustNot: [term("b")] }));
  parses("a NOT b", bool({ should: [term("a")], mustNot: [term("b")] }));
  parses("a AND b AND c", bool({ must: [term("a"), term("b"), term("c")] }));
  parses("a OR b OR c", bool({ should: [term("a"), term("b"), term("c")] }));
  same("a AND b", "a && b");
  parses("a&&b", term("a&&b"));
  parses("NOT(a)", bool({ must: [matchAll], mustNot: [term("a")] }));
  parses("ANDROID ORACLE NOTE", bool({ should: [term("ANDROID"), term("ORACLE"), term("NOTE")] }));
});

test("+required and -excluded, Lucene style", () => {
  parses("+a b -c", bool({ must: [term("a")], should: [term("b")], mustNot: [term("c")] }));
  parses("+a", bool({ must: [term("a")] }));
  parses("+title:a -body:\"b c\"", bool({ must: [term("a", "title")], mustNot: [{ kind: "phrase", field: "body", text: "b c", slop: 0 }] }));
  parses("a - b", bool({ should: [term("a")], mustNot: [term("b")] }));
  parses("+a OR b", bool({ must: [term("a")], should: [term("b")] }));
  parses("a OR -b", bool({ should: [term("a")], mustNot: [term("b")] }));
});

test("AND binds tighter than OR", () => {
  parses("a AND b OR c", bool({ should: [bool({ must: [term("a"), term("b")] }), term("c")] }));
  same("a AND b OR c", "(a AND b) OR c");
  parses("a OR b AND c", bool({ should: [term("a"), bool({ must: [term("b"), term("c")] })] }));
  same("a OR b AND c", "a OR (b AND c)");
  same("a b AND c d", "a (b AND c) d");
  same("a AND b OR c AND d", "(a AND b) OR (c AND d)");
  parses("a AND (b OR c)", bool({ must: [term("a"), bool({ should: [term("b"), term("c")] })] }));
  parses("NOT a OR b", bool({ should: [term("b")], mustNot: [term("a")] }));
  parses("a OR NOT b AND c", bool({ should: [term("a"), bool({ must: [term("c")], mustNot: [term("b")] })] }));
});

test("a purely negative query or group excludes from all documents", () => {
  parses("NOT x", bool({ must: [matchAll], mustNot: [term("x")] }));
  parses("-x", bool({ must: [matchAll], mustNot: [term("x")] }));
  parses("!x -y", bool({ must: [matchAll], mustNot: [term("x"), term("y")] }));
  parses("NOT a AND NOT b", bool({ must: [matchAll], mustNot: [term("a"), term("b")] }));
  parses("a (-b)", bool({ should: [term("a"), bool({ must: [matchAll], mustNot: [term("b")] })] }));
  same("+*:* -x", "NOT x");
});

test("groups: a group of one clause is that clause; nested groups stay nested", () => {
  parses("(a)", term("a"));
  parses("((a b))", bool({ should: [term("a"), term("b")] }));
  parses("(+a)", bool({ must: [term("a")] }));
  parses("(a b) c", bool({ should: [bool({ should: [term("a"), term("b")] }), term("c")] }));
  parses("a(b)", bool({ should: [term("a"), term("b")] }));
});

// ---- boosts, prefixes, match-all

test("boosts on words, phrases, prefixes and groups", () => {
  parses("term^2", term("term", undefined, 2));
  parses('"a phrase"^1.5', { kind: "phrase", text: "a phrase", slop: 0, boost: 1.5 });
  parses("(a b)^3", bool({ should: [term("a"), term("b")], boost: 3 }));
  parses("title:(a b)^3", bool({ should: [term("a", "title"), term("b", "title")], boost: 3 }));
  parses("retriev*^2", { kind: "prefix", prefix: "retriev", boost: 2 });
  parses("a^0 b^.5 c^1e-7 d^2.", bool({ should: [term("a", undefined, 0), term("b", undefined, 0.5), term("c", undefined, 1e-7), term("d", undefined, 2)] }));
  parses("(a)^2", term("a", undefined, 2));
  // a boost on something already boosted, a range or match-all wraps it in a boosted bool
  parses("(a^2)^3", bool({ should: [term("a", undefined, 2)], boost: 3 }));
  parses("year:[1 TO 2]^2", bool({ should: [{ kind: "range", field: "year", lower: "1", upper: "2", includeLower: true, includeUpper: true }], boost: 2 }));
  parses("*^2", bool({ should: [matchAll], boost: 2 }));
  parses("2^3", term("2", undefined, 3));
});

test("prefix queries and match-all", () => {
  parses("retriev*", { kind: "prefix", prefix: "retriev" });
  parses("title:retriev*", { kind: "prefix", field: "title", prefix: "retriev" });
  parses("title:*", { kind: "prefix", field: "title", prefix: "" });
  parses("a\\*", term("a*"));
  parses("\\*", term("*"));
  parses("a\\**", { kind: "prefix", prefix: "a*" });
  for (const q of ["", "   ", "*", "*:*", "(*)", "(*:*)"]) parses(q, matchAll);
  parses("*:* year:2020", bool({ should: [matchAll, term("2020", "year")] }));
  parses("+*:* +year:2020", bool({ must: [matchAll, term("2020", "year")] }));
});

// ---- ranges

test("ranges: inclusive, exclusive, mixed and open", () => {
  const range = (lower: string | undefined, upper: string | undefined, includeLower: boolean, includeUpper: boolean, field = "year") => ({
    kind: "range" as const,
    field,
    ...(lower !== undefined ? { lower } : {}),
    ...(upper !== undefined ? { upper } : {}),
    includeLower,
    includeUpper,
  });
  parses("year:[2020 TO 2023]", range("2020", "2023", true, true));
  parses("year:{2020 TO 2023}", range("2020", "2023", false, false));
  parses("year:[2020 TO 2023}", range("2020", "2023", true, false));
  parses("year:{2020 TO 2023]", range("2020", "2023", false, true));
  parses("date:[2024-01-01 TO *]", range("2024-01-01", undefined, true, true, "date"));
  parses("date:[* TO 2024-01-01}", range(undefined, "2024-01-01", true, false, "date"));
  parses("year:[* TO *]", range(undefined, undefined, true, true));
  parses("year:[ 2020   TO\t2023 ]", range("2020", "2023", true, true));
  parses('time:["10:00" TO "12:30"]', range("10:00", "12:30", true, true, "time"));
  parses("time:[10:00 TO 12:30]", range("10:00", "12:30", true, true, "time"));
  parses('name:["*" TO "TO"]', range("*", "TO", true, true, "name"));
  parses("temp:[-5 TO 5]", range("-5", "5", true, true, "temp"));
  parses("ts:[2024-05-01T00:00:00Z TO *]", range("2024-05-01T00:00:00Z", undefined, true, true, "ts"));
  parses("year:([2020 TO 2021] OR [2023 TO *])", bool({ should: [range("2020", "2021", true, true), range("2023", undefined, true, true)] }));
});

test("comparison shorthand is a one-sided range", () => {
  same("year:>=2020", "year:[2020 TO *]");
  same("year:>2020", "year:{2020 TO *]");
  same("year:<2021", "year:[* TO 2021}");
  same("year:<=2021", "year:[* TO 2021]");
  same("date:>=2024-05-01", "date:[2024-05-01 TO *]");
  same('time:>="10:00"', 'time:["10:00" TO *]');
  same("temp:>-5", "temp:{-5 TO *]");
  same("year:(>=2020 <1990)", "year:[2020 TO *] year:[* TO 1990}");
  parses("year:>=2020 neural", bool({ should: [{ kind: "range", field: "year", lower: "2020", includeLower: true, includeUpper: true }, term("neural")] }));
});

// ---- escaping and words

test("escapes and characters inside words", () => {
  parses("C\\+\\+", term("C++"));
  parses("C++", term("C++"));
  parses("title\\:x", term("title:x"));
  parses("state-of-the-art", term("state-of-the-art"));
  parses("e-mail -spam", bool({ should: [term("e-mail")], mustNot: [term("spam")] }));
  parses("what? TCP/IP a!b x&y", bool({ should: ["what?", "TCP/IP", "a!b", "x&y"].map((w) => term(w)) }));
  parses("\\-x \\+y \\!z", bool({ should: [term("-x"), term("+y"), term("!z")] }));
  parses("\\AND \\(a\\) \\\"q\\\" a\\ b", bool({ should: [term("AND"), term("(a)"), term('"q"'), term("a b")] }));
  parses("naïve 日本語 TO", bool({ should: [term("naïve"), term("日本語"), term("TO")] }));
  parses("\\>5", term(">5"));
});

test("escapeQueryWord makes any text a single literal word", () => {
  const texts = ["C++", "-x", "AND", "OR", "NOT", "a b", "&&x", "||", "a:b", "*", "a*", "(x)", '"', "\\", ">=5", "<b>", "x^2", "a~", "!"];
  for (const text of texts) assert.deepEqual(parseQuery(escapeQueryWord(text)), term(text), `escaped ${JSON.stringify(text)}`);
  assert.equal(escapeQueryWord("state-of-the-art"), "state-of-the-art");
  assert.equal(escapeQueryWord("cs.IR"), "cs.IR");
});

// ---- errors

test("syntax errors name the problem and its position", () => {
  // [input, 0-based position, message]
  const cases: Array<[string, number | undefined, RegExp]> = [
    ["(a b", 0, /"\(" is never closed/],
    ["a (b (c)", 2, /"\(" is never closed/],
    ["a b)", 3, /"\)" has no matching "\("/],
    [")", 0, /no matching/],
    ["()", 0, /empty group/],
    ['say "hello', 4, /unterminated phrase/],
    ["title:", 6, /expected a value after "title:"/],
    ["title:   ", 9, /expected a value after "title:"/],
    ["title: AND x", 7, /expected a value after "title:"/],
    ["(title:)", 7, /expected a value after "title:"/],
    ["title:-x", 6, /put operators before the field/],
    ["a AND", 2, /"AND" must be followed by a clause/],
    ["a OR", 2, /"OR" must be followed by a clause/],
    ["a &&", 2, /"&&" must be followed by a clause/],
    ["AND a", 0, /"AND" must come between two clauses/],
    ["|| a", 0, /"\|\|" must come between two clauses/],
    ["a AND OR b", 6, /"AND" cannot be followed by "OR"/],
    ["(a AND) b", 3, /"AND" must be followed by a clause/],
    ["a NOT", 2, /"NOT" must be followed by a clause/],
    ["a -", 2, /"-" must be followed by a clause/],
    ["a + ", 2, /"\+" must be followed by a clause/],
    ["-+a", 1, /cannot be followed by another operator/],
    ["NOT -a", 4, /cannot be followed by another operator/],
    ["year:[2020 TO 2023", 5, /unterminated range/],
    ["year:[2020 2023]", 11, /expected "TO"/],
    ["year:[2020 TO]", 13, /missing its upper bound/],
    ["year:[TO 2020]", 6, /missing its lower bound/],
    ["year:[]", 6, /missing its lower bound/],
    ["year:[1 TO 2 3]", 13, /expected "\]" or "\}"/],
    ['year:["1"x TO 2]', 9, /after the quoted lower bound/],
    ["[1 TO 2]", 0, /a range needs a field/],
    [">=2020", 0, /a comparison needs a field/],
    ["year:>=", 7, /expected a value right after ">="/],
    ["year:> 2020", 6, /expected a value right after ">"/],
    ["year:>20*", 8, /not allowed in a comparison/],
    ["a^", 2, /expected a non-negative number after "\^"/],
    ["a^x", 2, /found "x"/],
    ["a^-1", 2, /found "-1"/],
    ["a^2b", 2, /found "2b"/],
    ["a^1e999", 2, /non-negative number/],
    ["a^2^3", 3, /unexpected "\^" after the boost/],
    ["^2", 0, /must follow a word, phrase or group/],
    ['"a b"~', 6, /whole number after "~"/],
    ['"a b"~1.5', 6, /whole number after "~"/],
    ["fuzzy~", 5, /fuzzy queries .* not supported/],
    ["fuzzy~2", 5, /fuzzy queries .* not supported/],
    ["~", 0, /must follow a phrase/],
    ["a*b", 1, /only supported at the end of a word/],
    ["*a", 0, /only supported at the end of a word/],
    ["a**", 1, /only supported at the end of a word/],
    ["ti*:x", 2, /field name cannot contain/],
    ["*:x", 2, /"\*:\*" matches all/],
    [":x", 0, /":" must follow a field name/],
    ["a:b:c", 3, /unexpected ":" in the value of field "a"/],
    ["a ] b", 2, /unexpected "\]"/],
    ["a\\", 1, /backslash at the end/],
  ];
  for (const [input, position, message] of cases) fails(input, position, message);
});

test("error messages report the position counting from 1", () => {
  assert.throws(() => parseQuery("(a b"), { message: 'unbalanced parentheses: this "(" is never closed (at character 1)' });
});

test("nesting and length are limited", () => {
  const nested = (depth: number) => "(".repeat(depth) + "a b" + ")".repeat(depth);
  assert.equal(boolDepth(parseQuery(nested(64))), 1);
  fails(nested(65), 64, /more than 64 levels of parentheses/);
  fails(nested(5), 3, /more than 3 levels/, { maxDepth: 3 });
  // each level here adds two bool nodes, so the AST depth limit is what stops it
  let deep = "a";
  for (let i = 0; i < 40; i++) deep = `x OR y AND (${deep})`;
  fails(deep, undefined, /nests more than 64 levels deep/);
  assert.ok(parseQuery("a ".repeat(5000)).kind === "bool");
  fails("a ".repeat(5001), 10_000, /10002 characters long; the limit is 10000/);
  fails("abcdef", 5, /limit is 5/, { maxLength: 5 });
});

test("bad options are argument errors", () => {
  assert.throws(() => parseQuery("a", { defaultOperator: "xor" as "or" }), InvalidArgumentError);
  assert.throws(() => parseQuery("a", { defaultField: "" }), InvalidArgumentError);
  assert.throws(() => parseQuery("a", { maxDepth: 0 }), InvalidArgumentError);
});

// ---- printing

test("queryToString prints a canonical query", () => {
  const cases: Array<[string, string]> = [
    ["a AND b OR c", "(+a +b) c"],
    ["NOT x", "+*:* -x"],
    ["title:(a b)^2", "(title:a title:b)^2"],
    ["year:>=2020", "year:[2020 TO *]"],
    ['title:"a \\"b\\""~3^2', 'title:"a \\"b\\""~3^2'],
    ["\\-x C++ \\AND", "\\-x C++ \\AND"],
    ["(a)", "a"],
    ["((a b))", "a b"],
    ["(a b)^1", "(a b)^1"],
    ['name:["a b" TO ""]', 'name:["a b" TO ""]'],
  ];
  for (const [input, printed] of cases) assert.equal(queryToString(parseQuery(input)), printed, input);
  assert.equal(queryToString(bool({ should: [term("a")] })), "(a)");
  assert.equal(queryToString({ kind: "term", field: "my field", text: "a:b" }), "my\\ field:a\\:b");
  assert.throws(() => queryToString(bool({ mustNot: [term("a")] })), InvalidQueryError);
  assert.throws(() => queryToString(bool({})), InvalidQueryError);
});

// ---- validating JSON ASTs

test("validateQueryNode accepts valid ASTs and fills defaults", () => {
  const ast: QueryNode = bool({
    must: [{ kind: "range", field: "year", lower: "2020", includeLower: true, includeUpper: false }],
    should: [term("a", "title", 2), { kind: "phrase", text: "b c", slop: 1 }, { kind: "prefix", field: "t", prefix: "" }],
    mustNot: [matchAll],
    boost: 0.5,
  });
  assert.deepEqual(validateQueryNode(JSON.parse(JSON.stringify(ast))), ast);
  assert.deepEqual(validateQueryNode({ kind: "bool", should: [{ kind: "term", text: "a", field: null, boost: null }] }), bool({ should: [term("a")] }));
  assert.deepEqual(validateQueryNode({ kind: "phrase", text: "a b" }), { kind: "phrase", text: "a b", slop: 0 });
  assert.deepEqual(validateQueryNode({ kind: "range", field: "y", upper: "5" }), { kind: "range", field: "y", upper: "5", includeLower: true, includeUpper: true });
  assert.deepEqual(validateQueryNode({ kind: "term", text: "a", boost: -0 }), { kind: "term", text: "a", boost: 0 });
});

test("validateQueryNode names the bad path", () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /^query: expected a query node object, got null/],
    [[], /^query: expected a query node object, got an array/],
    [{ kind: "fuzzy" }, /^kind: expected one of "term", .*got "fuzzy"/],
    [{ text: "a" }, /^kind: expected one of/],
    [{ kind: "term" }, /^text: expected a non-empty string, got nothing/],
    [{ kind: "term", text: "" }, /^text: expected a non-empty string/],
    [{ kind: "term", text: "a", feild: "x" }, /^feild: unknown property for a "term" node/],
    [{ kind: "bool", must: [term("a"), { kind: "term", text: "b", field: 3 }] }, /^must\[1\]\.field: expected a non-empty string, got 3/],
    [{ kind: "bool", should: [{ kind: "bool", mustNot: [{ kind: "phrase", text: "x", slop: -1 }], must: [matchAll] }] }, /^should\[0\]\.mustNot\[0\]\.slop: expected a non-negative whole number/],
    [{ kind: "phrase", text: "x", slop: 1.5 }, /^slop: /],
    [{ kind: "term", text: "a", boost: -1 }, /^boost: expected a finite number >= 0/],
    [{ kind: "term", text: "a", boost: "2" }, /^boost: /],
    [{ kind: "term", text: "a", boost: Infinity }, /^boost: /],
    [{ kind: "prefix", prefix: "" }, /^prefix: an empty prefix needs a field/],
    [{ kind: "range", lower: "1" }, /^field: expected a non-empty string/],
    [{ kind: "range", field: "y", lower: 2020 }, /^lower: expected a string/],
    [{ kind: "range", field: "y", includeUpper: "yes" }, /^includeUpper: expected true or false/],
    [{ kind: "bool" }, /^query: a bool node needs at least one clause/],
    [{ kind: "bool", must: {} }, /^must: expected an array/],
    [{ kind: "bool", mustNot: [term("a")] }, /^query: a bool node with only mustNot clauses matches nothing/],
    [{ kind: "matchAll", boost: 2 }, /^boost: unknown property for a "matchAll" node/],
  ];
  for (const [json, message] of cases) {
    assert.throws(() => validateQueryNode(json), (err: unknown) => err instanceof InvalidQueryError && message.test(err.message), JSON.stringify(json));
  }
});

test("validateQueryNode limits depth, which also stops cycles", () => {
  let deep: QueryNode = term("a");
  for (let i = 0; i < 64; i++) deep = bool({ must: [deep] });
  assert.deepEqual(validateQueryNode(deep), deep);
  assert.throws(() => validateQueryNode(bool({ must: [deep] })), /nest more than 64 levels/);
  const cycle = bool({ should: [term("a")] });
  cycle.should.push(cycle);
  assert.throws(() => validateQueryNode(cycle), /should\[1\]\.should\[1\].*nest more than 64 levels/);
});

// ---- properties

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const CHARS = [..."abz079é日-+!*?:\\\"()[]{}^~ &|<>=/._", "\u3000", "\t"];
const WORDS = ["neural", "retrieval", "AND", "OR", "NOT", "TO", "*", "&&", "||", "-x", "C++", "state-of-the-art", "cs.IR", "2024-05-01", ">=1", "a:b"];
const FIELDS = ["title", "body", "year", "cs.IR", "AND", "*", "my field", "a:b", "-x", "NOT", "日付"];
const BOOSTS = [0, 0.5, 1, 2, 1.5, 3.25, 1e-7, 1e21, 0.1 + 0.2, 10];

function randomText(g: Gen, allowEmpty: boolean): string {
  if (g.chance(0.4)) return g.pick(WORDS);
  const length = g.int(7) + (allowEmpty ? 0 : 1);
  let text = "";
  for (let i = 0; i < length; i++) text += g.pick(CHARS);
  return text;
}

function randomLeaf(g: Gen): QueryNode {
  const field = g.chance(0.5) ? g.pick(FIELDS) : undefined;
  const boost = g.chance(0.3) ? g.pick(BOOSTS) : undefined;
  const extra = { ...(field !== undefined ? { field } : {}), ...(boost !== undefined ? { boost } : {}) };
  switch (g.int(5)) {
    case 0:
      return { kind: "term", text: randomText(g, false), ...extra };
    case 1:
      return { kind: "phrase", text: randomText(g, true), slop: g.chance(0.5) ? 0 : g.int(20), ...extra };
    case 2:
      return { kind: "prefix", prefix: randomText(g, field !== undefined), ...extra };
    case 3: {
      const node: QueryNode = { kind: "range", field: field ?? "year", includeLower: g.chance(0.5), includeUpper: g.chance(0.5) };
      if (g.chance(0.8)) node.lower = randomText(g, true);
      if (g.chance(0.8)) node.upper = randomText(g, true);
      return node;
    }
    default:
      return { kind: "matchAll" };
  }
}

const boostable = (n: QueryNode) => n.kind === "term" || n.kind === "phrase" || n.kind === "prefix" || n.kind === "bool";

/** A random AST in the parser's canonical form (see queryToString). */
function randomNode(g: Gen, depth: number): QueryNode {
  if (depth >= 4 || g.chance(0.4 + 0.15 * depth)) return randomLeaf(g);
  const node = bool({});
  const counts = [g.int(3), g.int(3), g.int(2)];
  if (counts[0] + counts[1] + counts[2] === 0) counts[1] = 2;
  for (let i = 0; i < counts[0]; i++) node.must.push(randomNode(g, depth + 1));
  for (let i = 0; i < counts[1]; i++) node.should.push(randomNode(g, depth + 1));
  for (let i = 0; i < counts[2]; i++) node.mustNot.push(randomNode(g, depth + 1));
  if (node.must.length === 0 && node.should.length === 0) node.must.push(matchAll);
  if (g.chance(0.3)) node.boost = g.pick(BOOSTS);
  const lone = node.should.length === 1 && node.must.length === 0 && node.mustNot.length === 0;
  const child = node.should[0];
  if (lone && (node.boost === undefined || (boostable(child) && (child as { boost?: number }).boost === undefined))) {
    node.should.push(randomLeaf(g));
  }
  return node;
}

test("property: random ASTs printed with queryToString parse back to equal ASTs", () => {
  const g = new Gen(20240501);
  for (let i = 0; i < 1000; i++) {
    const ast = randomNode(g, 0);
    assert.deepEqual(validateQueryNode(ast), ast, "generated ASTs are valid");
    const printed = queryToString(ast);
    let parsed: QueryNode;
    try {
      parsed = parseQuery(printed);
    } catch (err) {
      assert.fail(`case ${i}: ${JSON.stringify(printed)} failed to parse: ${String(err)}\nAST: ${JSON.stringify(ast)}`);
    }
    assert.deepEqual(parsed, ast, `case ${i}: printed as ${JSON.stringify(printed)}`);
  }
});

test("property: random query strings parse to valid, printable ASTs or fail with a positioned InvalidQueryError", () => {
  const g = new Gen(7);
  const pieces = [
    "a", "b", "neural", "title:", "year:", "(", ")", '"', '"x y"', "AND", "OR", "NOT", "+", "-", "!", "&&", "||",
    "^2", "~1", "*", "[", "]", "{", "}", "TO", " ", " ", " ", "\\", ":", ">=", "<", "2020", "x*", "*:*", "c-d",
  ];
  let parsedCount = 0;
  for (let i = 0; i < 3000; i++) {
    let input = "";
    const n = 1 + g.int(10);
    for (let j = 0; j < n; j++) input += g.pick(pieces);
    const options: ParseQueryOptions = g.chance(0.3) ? { defaultOperator: "and" } : {};
    let ast: QueryNode;
    try {
      ast = parseQuery(input, options);
    } catch (err) {
      assert.ok(err instanceof InvalidQueryError, `${JSON.stringify(input)} threw ${String(err)}`);
      assert.ok(err.position !== undefined && err.position >= 0 && err.position <= input.length, `${JSON.stringify(input)}: position ${err.position}`);
      continue;
    }
    parsedCount++;
    assert.deepEqual(validateQueryNode(JSON.parse(JSON.stringify(ast))), ast, input);
    assert.deepEqual(parseQuery(queryToString(ast)), ast, `${JSON.stringify(input)} printed as ${JSON.stringify(queryToString(ast))}`);
  }
  assert.ok(parsedCount > 300, `enough random strings parse (${parsedCount})`);
});
