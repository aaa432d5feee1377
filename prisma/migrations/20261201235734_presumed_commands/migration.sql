SET check_function_bodies = off;

-- prisma/sql/server_conditions.sql
-- A server's marks that decide, with its status, where a command leads (libs/lifecycle's CONDITIONS): marked to retire,
-- in an open maintenance. The one statement of them: the service reads them with the server (read-server), and a
-- command written without a read (apply-change on a presumed server) applies only to a server without the marks that
-- would lead it elsewhere.
CREATE OR REPLACE FUNCTION "server_conditions"(s "Server") RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_remove(ARRAY[
    CASE WHEN s."retiring" THEN 'markedToRetire' END,
    CASE WHEN s."maintenanceId" IS NOT NULL THEN 'inMaintenance' END
  ], NULL)
$$;

RESET check_function_bodies;
