// Jest runs our ESM TypeScript through SWC (decorators + metadata, like the build), with
// workspace aliases mapped to sources. Three projects: fast unit specs next to the code,
// integration specs against the real Kafka/registry/Redis, and end-to-end specs that run
// the built services as processes. Infrastructure is started once for the whole run.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

// Only the projects that need servers carry the setup: Jest runs a project's global hooks
// only when tests of that project run, and the same file once however many projects share it.
const withInfrastructure = {
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
};

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@cuewire/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: import.meta.dirname,
};

export default {
  // Integration and e2e tests wait on real servers; unit specs finish in milliseconds anyway.
  testTimeout: 120_000,
  // Client libraries (Kafka, registry, Redis) can keep sockets alive after their last test;
  // the services under test are stopped explicitly, so exiting here loses nothing.
  forceExit: true,
  reporters: ['default', ['<rootDir>/test/setup/summary-reporter.mjs', {}]],
  rootDir: import.meta.dirname,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    { ...common, ...withInfrastructure, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'], slowTestThreshold: 30 },
    { ...common, ...withInfrastructure, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], slowTestThreshold: 60 },
  ],
};
