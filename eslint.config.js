// Lint configuration: typescript-eslint's recommended rules over the TypeScript sources.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "data/**", ".trove/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // Paper Radar's layers point one way: the HTTP floor (apps/radar/http) and the wiring (radar-server.ts) use the
    // domain folders, never the reverse; test helpers (apps/radar/test-support) are for tests and scripts only
    files: ["apps/radar/**/*.ts"],
    ignores: ["apps/radar/http/**", "apps/radar/radar-server.ts", "apps/radar/index.ts", "apps/radar/test-support/**", "**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/http/*", "**/radar-server.js", "**/index.js"], message: "Paper Radar's domain code must not import the HTTP layer, the wiring or the app's entry point (layers point one way)." },
            { group: ["**/test-support/*"], message: "test helpers are for tests and scripts only" },
          ],
        },
      ],
    },
  },
  {
    files: ["src/**/*.ts", "apps/radar/http/**/*.ts", "apps/radar/radar-server.ts", "apps/radar/index.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/test-support/*"], message: "test helpers are for tests and scripts only" }] }] },
  },
  {
    // Paper Radar's web client: plain ES modules run by the browser (apps/radar/web/public)
    files: ["apps/radar/web/public/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: { window: "readonly", document: "readonly", location: "readonly", history: "readonly", fetch: "readonly", URLSearchParams: "readonly", FormData: "readonly", Node: "readonly", Element: "readonly" },
    },
  },
);
