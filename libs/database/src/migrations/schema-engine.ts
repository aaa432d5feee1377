import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

// Node provides WebAssembly at run time; @types/node leaves it to the DOM library, which this project does not load.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
};

/**
 * Prisma's schema engine compiled to WebAssembly, so that migrations run on machines that cannot
 * download the native engine. The package is built for bundlers (its entry imports the .wasm
 * file), so the module is instantiated by hand, as its generated glue code expects.
 */
async function loadEngineModule(): Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> {
  const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmFile = join(
    dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  const module = new WebAssembly.Module(await readFile(wasmFile));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return bindings;
}

/**
 * The adapter sends a migration script as one simple query: PostgreSQL then runs it in one implicit
 * transaction and reads dollar-quoted function bodies and comments correctly, where the adapter's own
 * `executeScript` splits the script on every ';' (as the native engine, on machines that have it, does not).
 */
class WholeScriptPrismaPg extends PrismaPg {
  constructor(private readonly pool: Pool) {
    super(pool);
  }

  override async connect(): ReturnType<PrismaPg['connect']> {
    const adapter = await super.connect();
    adapter.executeScript = async (script: string) => {
      await this.pool.query(script);
    };
    return adapter;
  }
}

let engineModule: ReturnType<typeof loadEngineModule> | undefined;

export type EngineLog = (message: string) => void;

/** Runs `work` with the engine opened on a schema and a database, then frees both. */
export async function withSchemaEngine<T>(
  schemaFile: string,
  schemaText: string,
  databaseUrl: string,
  log: EngineLog,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  engineModule ??= loadEngineModule();
  const { SchemaEngine: Engine } = await engineModule;
  // Our own pool, so that its connections are closed when the work is done (the engine leaves them open).
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const engine = await Engine.new(
      { datamodels: [[schemaFile, schemaText]] },
      log,
      bindMigrationAwareSqlAdapterFactory(new WholeScriptPrismaPg(pool)),
    );
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}
