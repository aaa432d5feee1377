/**
 * The failover suite (`npm run test:failover`, docs/testing.md): etcd, three Patroni-managed PostgreSQL nodes and
 * HAProxy on loopback ports, two allocator processes, and a database host lost under traffic. Apart from `npm test`
 * because it needs Debian's patroni, etcd-server and haproxy (deploy/ha/install-packages.sh, which .ci/run calls).
 */
const { projects } = require('./jest.config');

module.exports = {
  projects: [{ ...projects[0], displayName: 'failover', testMatch: ['<rootDir>/test/failover/**/*.e2e-spec.ts'] }],
  testTimeout: 300_000,
  maxWorkers: 1,
};
