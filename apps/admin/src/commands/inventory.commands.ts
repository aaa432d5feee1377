import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { InventoryExporter, InventoryImporter } from '@app/inventory';
import { AdminContext } from '../admin-context';
import { listProblems, readJson } from '../file-input';

export function inventoryCommands(context: AdminContext): Command {
  const inventory = new Command('inventory').description(
    'Load and save the fleet: locations, instance types, servers, clients, contracts',
  );

  inventory
    .command('import')
    .description(
      'Upsert a file by id (idempotent). The whole file is validated first; nothing is written when any record is bad. Format: README "Inventory file"',
    )
    .argument('<file>', 'inventory JSON file')
    .action((file: string) =>
      context.run(async ({ prisma, progress, actor }) => {
        const started = Date.now();
        const summary = await new InventoryImporter(prisma)
          .import(await readJson(file), progress, actor)
          .catch(listProblems);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const { overcommitted, ...imported } = summary;
        const counts = Object.entries(imported)
          .map(([what, n]) => `${n} ${what}`)
          .join(', ');
        const warnings = overcommitted.map(
          (o) =>
            `\nContract ${o.contractId} holds ${o.inUse} servers in pool ${o.locationId}/${o.instanceTypeId}, commits ${o.committed}: nothing was taken away`,
        );
        return {
          data: { imported, overcommitted, seconds: Number(seconds) },
          text: `Imported ${counts} in ${seconds} s${warnings.join('')}`,
        };
      }),
    );

  inventory
    .command('export')
    .description('Write the whole inventory in the import format')
    .option('--out <file>', 'file to write; stdout when absent')
    .action((options: { out?: string }) =>
      context.run(async ({ prisma }) => {
        const data = await new InventoryExporter(prisma).export();
        if (!options.out) return { data, text: JSON.stringify(data, null, 2) };
        await writeFile(options.out, `${JSON.stringify(data, null, 2)}\n`);
        return {
          data: { file: options.out, servers: data.servers.length },
          text: `Wrote ${data.servers.length} servers to ${options.out}`,
        };
      }),
    );

  return inventory;
}
