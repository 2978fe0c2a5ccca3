// Option value parsers for commander: each names the option and the value it rejects.
import { InvalidArgumentError } from "commander";

export function integer(min: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^[+-]?\d+(e\+?\d+)?$/i.test(raw.trim()) || !Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got "${raw}".`);
    }
    return value;
  };
}

export function positiveNumber(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`expected a finite number > 0, got "${raw}".`);
  return value;
}

export function unitInterval(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !(value >= 0 && value < 1)) throw new InvalidArgumentError(`expected a number in [0, 1), got "${raw}".`);
  return value;
}

export function closedUnitInterval(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !(value >= 0 && value <= 1)) throw new InvalidArgumentError(`expected a number in [0, 1], got "${raw}".`);
  return value;
}

export function finiteNumber(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value)) throw new InvalidArgumentError(`expected a finite number, got "${raw}".`);
  return value;
}

export function oneOf(choices: readonly string[]) {
  return (raw: string): string => {
    if (!choices.includes(raw)) throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got "${raw}".`);
    return raw;
  };
}

export function list(choices: readonly string[]) {
  return (raw: string): string[] => {
    const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = items.filter((s) => !choices.includes(s));
    if (items.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`unknown ${unknown.join(", ") || "(empty list)"}; known: ${choices.join(", ")}.`);
    return items;
  };
}
