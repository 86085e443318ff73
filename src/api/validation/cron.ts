/** github.com/robfig/cron/v3 ParseStandard, for its error messages (CronJob spec.schedule validation). */

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12, // prettier-ignore
};
const DAYS: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];

class CronError extends Error {}

function mustParseInt(expr: string): number {
  // strconv.Atoi: optional sign, decimal digits only.
  if (!/^[+-]?\d+$/.test(expr)) {
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`,
    );
  }
  const num = Number(expr);
  if (num < 0) throw new CronError(`negative number (${num}) not allowed: ${expr}`);
  return num;
}

function parseIntOrName(expr: string, names?: Readonly<Record<string, number>>): number {
  const named = names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

function getRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0]!.split("-");
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let step: number;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (single) end = r.max;
  } else throw new CronError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
}

const DESCRIPTORS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

/** Go time.ParseDuration's accepted grammar (for `@every`). */
function isGoDuration(s: string): boolean {
  return (
    /^[+-]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))*$/.test(s) || s === "0"
  );
}

/** The error cron.ParseStandard returns for `spec`, or undefined when it parses. */
export function cronParseError(spec: string): string | undefined {
  try {
    if (spec.length === 0) throw new CronError("empty spec string");
    let rest = spec;
    if (rest.startsWith("TZ=") || rest.startsWith("CRON_TZ=")) {
      const i = rest.indexOf(" ");
      const eq = rest.indexOf("=");
      const zone = i < 0 ? rest.slice(eq + 1) : rest.slice(eq + 1, i);
      if (!isTimeZone(zone)) throw new CronError(`provided bad location ${zone}: unknown time zone ${zone}`);
      rest = i < 0 ? "" : rest.slice(i).trim();
    }
    if (rest.startsWith("@")) {
      if (DESCRIPTORS.has(rest)) return undefined;
      if (rest.startsWith("@every ")) {
        const d = rest.slice("@every ".length);
        if (!isGoDuration(d))
          throw new CronError(`failed to parse duration ${rest}: time: invalid duration ${JSON.stringify(d)}`);
        return undefined;
      }
      throw new CronError(`unrecognized descriptor: ${rest}`);
    }
    const fields = rest.split(/[ \t\n\v\f\r]+/).filter((f) => f !== "");
    if (fields.length !== 5)
      throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
    fields.forEach((f, i) => {
      for (const part of f.split(",")) getRange(part, FIELDS[i]!);
    });
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

/** time.LoadLocation acceptance, approximated with the IANA database Node ships. */
export function isTimeZone(zone: string): boolean {
  if (zone === "" || zone === "UTC" || zone === "Local") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
