import type { DatabaseOutage } from '@app/database';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key that authenticated the request (libs/auth): its name goes into the access log. */
    user?: { id: number; name: string };
  }
  interface FastifyInstance {
    /** The database's outage tracker, for the error answers (set by createApp). */
    databaseOutage?: DatabaseOutage;
  }
}
