// ESLint flat config for the whole workspace (`npm run lint` = `eslint .`).
//
// Layers, in order: ESLint + typescript-eslint recommended; a few type-aware rules that catch
// lost promises (the bugs that drop Kafka records); Nx module boundaries driven by the tags in
// each project.json; name-based import bans for the pure domain libs; prettier last so no
// formatting rule fights the formatter.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync } from '@nx/devkit';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries only *reads* the cached project graph (.nx/workspace-data);
// when there is none (fresh clone, CI, after `nx reset`) it prints a warning and silently
// skips every check. Computing the graph here (in-process: nx.json has no daemon) makes the
// rule work from any fresh checkout and keeps it current when project.json files change.
await createProjectGraphAsync({ exitOnError: false });

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs'];
const SPECS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'];
const DOMAIN_LIBS = ['libs/contracts/**', 'libs/templating/**', 'libs/campaigns/**', 'libs/api-keys/**'];
const APPS = ['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher', 'feedback-receiver', 'control-plane', 'history'];

/** Which tags a project may depend on (see STYLE.md: layout tells the architecture). */
const depConstraints = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:domain'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:infra', 'type:domain'] },
  { sourceTag: 'type:launcher', onlyDependOnLibsWithTags: ['type:app', 'type:infra', 'type:domain'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:testing'] },
  // The generated HTTP client stands alone; tools (the demo) and the web console talk to
  // Cuewire only through it.
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:client'] },
  { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:client'] },
  { sourceTag: 'type:build-tool', onlyDependOnLibsWithTags: ['type:domain'] },
];

/** Specs (unit, integration, e2e) may additionally use the real-infra test harness. */
const specDepConstraints = depConstraints.map((c) =>
  c.onlyDependOnLibsWithTags.includes('type:testing') ? c : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] },
);

const boundaries = (constraints, extra = {}) => [
  'error',
  {
    // Nothing is buildable on its own (one swc pass builds everything), so no buildable-lib rule.
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: constraints,
    ...extra,
  },
];

/** Only the barrel `@cuewire/<lib>` is public; `@cuewire/<lib>/src/...` is not. */
const deepLibImports = {
  group: ['@cuewire/*/**'],
  message: 'Import a library only through its public entry point `@cuewire/<lib>` (its src/index.ts).',
};

/** Infrastructure a pure domain lib must not touch, even without a workspace lib in between. */
const domainBannedImports = [
  { group: ['@platformatic/kafka', '@platformatic/kafka/**'], message: 'Domain libs stay free of Kafka; use @cuewire/kafka from an infra lib or an app.' },
  { group: ['kafkajs', 'kafkajs/**'], message: 'Domain libs stay free of Kafka clients.' },
  { group: ['ioredis', 'ioredis/**'], message: 'Domain libs stay free of Redis; put the port in the domain and the adapter in an infra lib.' },
  { group: ['undici', 'undici/**'], message: 'Domain libs do no HTTP; outbound HTTP lives in @cuewire/delivery.' },
  { group: ['@nestjs/*', '@nestjs/*/**'], message: 'Domain libs are framework-free (no NestJS); wire them up in an app or infra lib.' },
  { group: ['node:http', 'node:https', 'node:http2', 'http', 'https', 'http2'], message: 'Domain libs do no network I/O.' },
  { group: ['node:net', 'node:tls', 'net', 'tls'], message: 'Domain libs do no network I/O.' },
  { group: ['node:dns', 'node:dns/*', 'dns', 'dns/*'], message: 'Domain libs do no network I/O.' },
];

export default defineConfig(
  {
    ignores: ['**/dist/', '**/node_modules/', '**/.cuewire/', 'libs/contracts/src/generated/', 'libs/client/src/generated/', '**/coverage/', '**/.nx/', '**/.jest/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: TS,
    languageOptions: {
      parserOptions: {
        // One TypeScript program for the workspace (tsconfig.json covers apps, libs, test, tools).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Type-aware, but only the few that find real bugs here: a promise nobody awaits is a
      // record acknowledged before it is produced, or an error that never reaches a handler.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
    },
  },

  {
    files: [...TS, ...JS],
    rules: {
      // `_`-prefixed names are deliberate: Nest injects `@Inject(TOPICS_READY) _topicsReady: true`
      // only to order start-up, and destructuring sometimes drops a field on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Nest modules are classes that exist for their decorator (`@Module({...}) class X {}`).
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-restricted-imports': ['error', { patterns: [deepLibImports] }],
    },
  },

  // The web console runs in the browser (its own tsconfig: DOM, JSX for Preact).
  {
    files: ['apps/console/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    // Event handlers may be async (a click that saves); the UI shows their failures itself.
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }] },
  },

  // Plain JS (tools, bench, test setup, configs) runs on Node and is not in tsconfig.json.
  {
    ...tseslint.configs.disableTypeChecked,
    files: JS,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },

  // Module boundaries, from the tags in each project.json.
  {
    files: [...TS, ...JS],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': boundaries(depConstraints) },
  },
  {
    files: SPECS,
    rules: { '@nx/enforce-module-boundaries': boundaries(specDepConstraints) },
  },
  {
    // The all-in-one launcher is the one place that composes apps. The rule forbids importing
    // an app outright ("Imports of apps are forbidden", before any tag check), and apps have no
    // barrel alias, so the launcher may import exactly each app's `<app>.module.js`, nothing else.
    files: ['apps/cuewire/**'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints, {
        allow: [`^\\.\\./\\.\\./(${APPS.join('|')})/src/\\1\\.module\\.js$`],
      }),
    },
  },

  // The Kafka plumbing has no Nest in it (the thin Nest layer is libs/kafka-nest).
  {
    files: ['libs/kafka/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepLibImports, { group: ['@nestjs/*', '@nestjs/*/**'], message: 'libs/kafka is framework-free; Nest wiring belongs in libs/kafka-nest.' }] },
      ],
    },
  },

  // Pure domain libs: no infrastructure packages by name (the tag rule only sees workspace libs).
  {
    files: DOMAIN_LIBS,
    rules: { 'no-restricted-imports': ['error', { patterns: [deepLibImports, ...domainBannedImports] }] },
  },

  prettier,
);
