// Rows arrive parsed (csv-records.reader.ts, csv-parse); this turns a row into the JSON the API takes.

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** CSV cells are text; numbers and true/false become JSON numbers and booleans ("007" and "+33…" stay text). */
export function csvValue(cell: string): string | number | boolean {
  if (NUMBER.test(cell)) return Number(cell);
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return cell;
}

/**
 * A row as an object: `fields` columns at the top level, every other column inside `bag`
 * (dots nest: `item.sku`). Empty cells are left out.
 */
export function csvRowToObject(header: readonly string[], cells: readonly string[], fields: readonly string[], bag: string): Record<string, unknown> {
  if (cells.length !== header.length) throw new Error(`has ${cells.length} cells; the header has ${header.length}`);
  const row: Record<string, unknown> = {};
  header.forEach((column, i) => {
    if (cells[i] === '') return;
    if (fields.includes(column)) {
      row[column] = column === 'occurredAt' && NUMBER.test(cells[i]) ? Number(cells[i]) : cells[i];
      return;
    }
    let target = (row[bag] ??= {}) as Record<string, unknown>;
    const path = column.split('.');
    path.slice(0, -1).forEach((part) => (target = (target[part] ??= {}) as Record<string, unknown>));
    target[path[path.length - 1]] = cells[i] === 'null' && bag === 'attributes' ? null : csvValue(cells[i]);
  });
  return row;
}
