// The settings form: optimizer picker with its one-line summary, its
// hyperparameters (defaults filled in, checked while typing, the message next
// to the field), seed and stop conditions, and the optimizers to compare.
// Text typed is kept in FormState, so it survives the panel being hidden.
import type { VscodeCheckbox } from "@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js";
import type { VscodeSingleSelect } from "@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js";
import type { VscodeTextfield } from "@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js";
import { type HyperparameterField, MAX_SWEEP_SEEDS, type OptimizerSchema } from "../src/protocol";
import { byId, h, setText } from "./dom";
import { type FieldErrors, type RunValues, type SweepValues, checkFieldText, checkSeed, fieldTexts, parseNumber, readRunSettings, readStart, readSweep } from "./formValues";
import type { FormState } from "./store";

const STOP_FIELDS = [
  { key: "iterations", label: "Iterations", help: "Ends the run after this many iterations" },
  { key: "evaluations", label: "Evaluation budget", help: "Optional: ends the run before it exceeds this many evaluations" },
  { key: "target", label: "Target value", help: "Optional: ends the run once the best value is at or below it" },
] as const;

/** Id of the element holding a field's message. */
const START_FROM_SAVED_ID = "start-from-saved";

export function messageId(fieldId: string): string {
  return `${fieldId}-message`;
}

export function hyperparameterId(key: string): string {
  return `hp-${key}`;
}

/** The form field id a host error about `field` refers to. */
export function fieldIdOf(field: string): string {
  if (field === "seed") return "seed";
  if (field.startsWith("sweep-") || field === "compare-seeds") return field;
  if (field === "iterations" || field === "evaluations" || field === "target") return `stop-${field}`;
  if (field === "startFromSaved") return START_FROM_SAVED_ID;
  return hyperparameterId(field);
}

function textField(id: string, label: string, help: string, value: string, placeholder = ""): HTMLElement {
  const input = document.createElement("vscode-textfield");
  input.id = id;
  input.value = value;
  input.placeholder = placeholder;
  return h(
    "div",
    { class: "field" },
    h("vscode-label", { for: id }, label),
    input,
    h("p", { class: "help", id: `${id}-help` }, help),
    h("p", { class: "field-message", id: messageId(id), "aria-live": "polite" }),
  );
}

/**
 * The advanced hyperparameters behind a toggle button. Not a <details>: the
 * selects inside read their options' innerText, which a closed <details>
 * (content-visibility: hidden) leaves empty; a hidden element does not.
 */
function disclosure(fields: HTMLElement[]): HTMLElement[] {
  const toggle = h("button", { type: "button", id: "advanced-toggle", class: "disclosure", "aria-expanded": "false", "aria-controls": "advanced-hyperparameters" }, "Advanced");
  const region = h("div", { id: "advanced-hyperparameters", role: "group", "aria-label": "Advanced hyperparameters", hidden: true }, ...fields);
  toggle.addEventListener("click", () => showAdvanced(toggle.getAttribute("aria-expanded") !== "true"));
  return [toggle, region];
}

function showAdvanced(open: boolean): void {
  document.getElementById("advanced-toggle")?.setAttribute("aria-expanded", String(open));
  const region = document.getElementById("advanced-hyperparameters");
  if (region) region.hidden = !open;
}

export class SettingsForm {
  readonly element: HTMLElement;
  private readonly optimizerSelect: VscodeSingleSelect;
  private readonly summary: HTMLElement;
  private readonly hyperparameters: HTMLElement;
  private readonly compareList: HTMLElement;
  private readonly sweepKey: VscodeSingleSelect;
  private readonly formMessage: HTMLElement;
  private readonly startFromSaved = document.createElement("vscode-checkbox") as VscodeCheckbox;
  private schemas: OptimizerSchema[] = [];
  /** The schema the fields were built from, as JSON: a new snapshot with the same schema keeps the fields (and the focus). */
  private builtFor = "";
  private comparedNames = "";
  /** The form revision the run fields show. */
  private shownRevision: number;

  /** `runButtons` go under the run settings, `compareButton` under the optimizers it compares, `sweepButton` under the sweep's fields. */
  constructor(
    private readonly form: FormState,
    private readonly changed: () => void,
    runButtons: HTMLElement,
    compareButton: HTMLElement,
    sweepButton?: HTMLElement,
  ) {
    this.shownRevision = form.revision;
    this.optimizerSelect = document.createElement("vscode-single-select");
    this.optimizerSelect.id = "optimizer";
    this.optimizerSelect.addEventListener("change", () => {
      this.form.optimizer = this.optimizerSelect.value;
      this.changed();
      this.render(this.schemas);
    });
    this.summary = h("p", { id: "optimizer-summary", class: "summary" });
    this.hyperparameters = h("div", { id: "hyperparameters", class: "fields" });
    this.compareList = h("div", { id: "compare-optimizers", class: "compare-list", role: "group", "aria-labelledby": "compare-heading" });
    this.formMessage = h("p", { id: "form-message", class: "form-message", role: "status" });
    this.sweepKey = document.createElement("vscode-single-select");
    this.sweepKey.id = "sweep-key";
    this.sweepKey.addEventListener("change", () => {
      this.form.sweepKey = this.sweepKey.value;
      this.changed();
    });
    const compareSeeds = textField("compare-seeds", "Seeds per optimizer", "Several seeds draw each optimizer's mean with a min-max band", form.compareSeeds);
    compareSeeds.addEventListener("input", (event) => {
      this.form.compareSeeds = (event.target as VscodeTextfield).value;
      this.changed();
    });
    const sweepFields = h(
      "div",
      { class: "fields" },
      h("div", { class: "field" }, h("vscode-label", { for: "sweep-key" }, "Hyperparameter"), this.sweepKey, h("p", { class: "field-message", id: messageId("sweep-key"), "aria-live": "polite" })),
      textField("sweep-values", "Values", "Comma-separated, e.g. 0.001, 0.01, 0.1", form.sweepValues),
      textField("sweep-seeds", "Seeds per value", "Runs per value, with seeds seed, seed + 1, ...", form.sweepSeeds),
    );
    sweepFields.addEventListener("input", (event) => {
      const input = event.target as VscodeTextfield;
      if (input.id === "sweep-values") this.form.sweepValues = input.value;
      else if (input.id === "sweep-seeds") this.form.sweepSeeds = input.value;
      else return;
      this.changed();
    });

    const runFields = h(
      "div",
      { class: "fields" },
      textField("seed", "Seed", "Same seed, same run", form.seed),
      ...STOP_FIELDS.map((f) => textField(`stop-${f.key}`, f.label, f.help, form[f.key], f.key === "iterations" ? "" : "none")),
      this.startFromSavedField(),
    );
    runFields.addEventListener("input", (event) => this.onRunFieldInput(event));

    this.element = h(
      "form",
      { id: "settings-form", class: "settings", "aria-labelledby": "settings-heading", novalidate: true },
      h("h2", { id: "settings-heading" }, "Settings"),
      h("div", { class: "field" }, h("vscode-label", { for: "optimizer" }, "Optimizer"), this.optimizerSelect, this.summary),
      h("fieldset", {}, h("legend", {}, "Hyperparameters"), this.hyperparameters),
      h("fieldset", {}, h("legend", {}, "Run"), runFields),
      runButtons,
      this.formMessage,
      h(
        "fieldset",
        { class: "compare" },
        h("legend", { id: "compare-heading" }, "Compare optimizers"),
        this.compareList,
        compareSeeds,
        h("div", { class: "toolbar" }, compareButton),
      ),
      h("fieldset", { class: "sweep" }, h("legend", { id: "sweep-heading" }, "Sweep a hyperparameter"), sweepFields, h("div", { class: "toolbar" }, ...(sweepButton ? [sweepButton] : []))),
    );
    // Enter in a field must not submit (and reload) the page; the Start button starts.
    this.element.addEventListener("submit", (event) => event.preventDefault());
  }

  get selectedSchema(): OptimizerSchema | null {
    return this.schemas.find((s) => s.name === this.form.optimizer) ?? this.schemas[0] ?? null;
  }

  render(schemas: OptimizerSchema[]): void {
    this.schemas = schemas;
    this.renderOptimizerChoices();
    const schema = this.selectedSchema;
    const built = `${this.form.revision}:${JSON.stringify(schema)}`;
    if (built !== this.builtFor) {
      this.builtFor = built;
      this.buildHyperparameters(schema);
    }
    if (this.shownRevision !== this.form.revision) {
      this.shownRevision = this.form.revision;
      this.showRunFields();
    }
    this.renderCompareChoices();
    this.renderSweepChoices(schema);
  }

  /** The sweep offers the selected optimizer's numeric hyperparameters. */
  private renderSweepChoices(schema: OptimizerSchema | null): void {
    const numeric = (schema?.fields ?? []).filter((field) => field.kind === "number" || field.kind === "integer");
    const names = numeric.map((field) => field.key).join(",");
    if (this.sweepKey.dataset.names !== names) {
      this.sweepKey.dataset.names = names;
      if (!numeric.some((field) => field.key === this.form.sweepKey) && numeric[0]) this.form.sweepKey = numeric[0].key;
      this.sweepKey.replaceChildren(...numeric.map((field) => h("vscode-option", { value: field.key, selected: field.key === this.form.sweepKey }, `${field.key}: ${field.label}`)));
    }
    if (this.sweepKey.value !== this.form.sweepKey && numeric.some((field) => field.key === this.form.sweepKey)) this.sweepKey.value = this.form.sweepKey;
  }

  /** Seed and stop fields from the form state (after the settings replaced it). */
  private showRunFields(): void {
    byId<VscodeTextfield>("seed", this.element).value = this.form.seed;
    for (const field of STOP_FIELDS) byId<VscodeTextfield>(`stop-${field.key}`, this.element).value = this.form[field.key];
  }

  /** Start values, or null after showing why not (the first bad field gets the focus). */
  readStart(): (RunValues & { startFromSaved?: boolean }) | null {
    const schema = this.selectedSchema;
    if (!schema) {
      this.showMessage("No optimizer to start: the optimizer list has not arrived yet.", true);
      return null;
    }
    const result = readStart(schema, this.form);
    if ("errors" in result) return this.rejectWith(result.errors);
    this.clearMessages();
    return this.startFromSaved.checked ? { ...result, startFromSaved: true } : result;
  }

  /** "Start from saved parameters": the objective's params file (where Save writes) instead of its initial point. */
  private startFromSavedField(): HTMLElement {
    const box = this.startFromSaved;
    box.id = START_FROM_SAVED_ID;
    box.label = "Start from saved parameters";
    return h(
      "div",
      { class: "field checkbox" },
      box,
      h("p", { class: "help", id: `${START_FROM_SAVED_ID}-help` }, "Begin at the parameters saved beside the objective (<objective>.params.json) instead of its initial point"),
      h("p", { class: "field-message", id: messageId(START_FROM_SAVED_ID), "aria-live": "polite" }),
    );
  }

  readCompare(): { optimizers: string[]; seed: number; stop: RunValues["stop"]; seeds?: number } | null {
    const settings = readRunSettings(this.form);
    if ("errors" in settings) return this.rejectWith(settings.errors);
    const seeds = parseNumber(this.form.compareSeeds);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SWEEP_SEEDS) return this.rejectWith({ "compare-seeds": `must be an integer in [1, ${MAX_SWEEP_SEEDS}]` });
    if (this.form.compare.length < 2) {
      this.showMessage("Pick at least two optimizers to compare.", true);
      return null;
    }
    this.clearMessages();
    return { optimizers: [...this.form.compare], ...settings, ...(seeds > 1 ? { seeds } : {}) };
  }

  /** Start values with the sweep's hyperparameter, values and seeds, or null after showing why not. */
  readSweep(): (RunValues & SweepValues) | null {
    const schema = this.selectedSchema;
    if (!schema) {
      this.showMessage("No optimizer to sweep: the optimizer list has not arrived yet.", true);
      return null;
    }
    const start = readStart(schema, this.form);
    const sweep = readSweep(schema, this.form);
    const errors = { ...("errors" in start ? start.errors : {}), ...("errors" in sweep ? sweep.errors : {}) };
    if ("errors" in start || "errors" in sweep) return this.rejectWith(errors);
    this.clearMessages();
    // The swept value replaces the form's own value of that hyperparameter.
    const overrides: Record<string, unknown> = { ...start.overrides };
    delete overrides[sweep.key];
    return { ...start, overrides: overrides as RunValues["overrides"], ...sweep };
  }

  /** Show a message next to a field (a host's answer naming it), or under the form when no field has that name. */
  showFieldError(field: string | undefined, message: string): void {
    if (field && document.getElementById(messageId(fieldIdOf(field)))) this.rejectWith({ [field]: message });
    else this.showMessage(message, true);
  }

  showMessage(text: string, isError: boolean): void {
    setText(this.formMessage, text);
    this.formMessage.classList.toggle("error", isError);
  }

  private rejectWith(errors: FieldErrors): null {
    this.clearMessages();
    let first: HTMLElement | null = null;
    for (const [field, problem] of Object.entries(errors)) {
      const id = fieldIdOf(field);
      const message = document.getElementById(messageId(id));
      if (message) setText(message, problem);
      const input = document.getElementById(id);
      input?.setAttribute("invalid", "");
      // A bad field in the folded section must be seen.
      if (input?.closest("#advanced-hyperparameters")) showAdvanced(true);
      first ??= input;
    }
    this.showMessage(`Fix ${Object.keys(errors).length === 1 ? "the field" : "the fields"} marked above.`, true);
    first?.focus();
    return null;
  }

  private clearMessages(): void {
    for (const message of this.element.querySelectorAll(".field-message")) setText(message, "");
    for (const field of this.element.querySelectorAll("[invalid]")) field.removeAttribute("invalid");
    this.showMessage("", false);
  }

  private renderOptimizerChoices(): void {
    const names = this.schemas.map((s) => `${s.name}:${s.summary}`).join("\n");
    if (this.optimizerSelect.dataset.names !== names) {
      this.optimizerSelect.dataset.names = names;
      this.optimizerSelect.replaceChildren(
        ...this.schemas.map((schema) => {
          const option = h("vscode-option", { value: schema.name }, schema.name);
          option.description = schema.summary;
          return option;
        }),
      );
    }
    const schema = this.selectedSchema;
    if (schema && this.optimizerSelect.value !== schema.name) this.optimizerSelect.value = schema.name;
    setText(this.summary, schema?.summary ?? "");
  }

  private buildHyperparameters(schema: OptimizerSchema | null): void {
    if (!schema) {
      this.hyperparameters.replaceChildren();
      return;
    }
    const texts = fieldTexts(schema, this.form);
    const element = (field: HyperparameterField) => this.fieldElement(schema, field, texts[field.key]);
    const advanced = schema.fields.filter((field) => field.advanced);
    this.hyperparameters.replaceChildren(...schema.fields.filter((field) => !field.advanced).map(element), ...(advanced.length > 0 ? disclosure(advanced.map(element)) : []));
  }

  private fieldElement(schema: OptimizerSchema, field: HyperparameterField, text: string): HTMLElement {
    const id = hyperparameterId(field.key);
    const remember = (value: string) => {
      (this.form.edits[schema.name] ??= {})[field.key] = value;
      this.changed();
    };
    const help = field.recommended
      ? `${field.help}; ${String(field.default)} recommended by the objective (the preset's default: ${String(field.recommended.preset)})`
      : `${field.help}; default ${String(field.default)}`;

    if (field.kind === "boolean") {
      const box = document.createElement("vscode-checkbox") as VscodeCheckbox;
      box.id = id;
      box.checked = text === "true";
      box.label = field.label;
      box.addEventListener("change", () => remember(String(box.checked)));
      return h("div", { class: "field checkbox" }, box, h("p", { class: "help", id: `${id}-help` }, help));
    }
    if (field.kind === "choice") {
      const select = document.createElement("vscode-single-select");
      select.id = id;
      // Marking the option selected (rather than setting value) works before the select is in the page.
      select.replaceChildren(...(field.choices ?? []).map((choice) => h("vscode-option", { value: choice, selected: choice === text }, choice)));
      select.addEventListener("change", () => remember(select.value));
      return h("div", { class: "field" }, h("vscode-label", { for: id }, field.label), select, h("p", { class: "help", id: `${id}-help` }, help));
    }
    const wrapper = textField(id, field.label, help, text);
    const input = wrapper.querySelector("vscode-textfield") as VscodeTextfield;
    input.addEventListener("input", () => {
      remember(input.value);
      this.showProblem(id, checkFieldText(field, input.value));
    });
    return wrapper;
  }

  private onRunFieldInput(event: Event): void {
    const input = event.target as VscodeTextfield;
    if (input.id === START_FROM_SAVED_ID) return;
    if (input.id === "seed") {
      this.form.seed = input.value;
      this.showProblem("seed", checkSeed(input.value));
    } else {
      const key = input.id.replace(/^stop-/, "") as (typeof STOP_FIELDS)[number]["key"];
      this.form[key] = input.value;
      const settings = readRunSettings(this.form);
      this.showProblem(input.id, "errors" in settings ? (settings.errors[key] ?? null) : null);
    }
    this.changed();
  }

  private showProblem(id: string, problem: string | null): void {
    setText(byId(messageId(id)), problem ?? "");
    byId(id).toggleAttribute("invalid", problem !== null);
  }

  private renderCompareChoices(): void {
    const names = this.schemas.map((s) => s.name).join(",");
    if (names !== this.comparedNames) {
      this.comparedNames = names;
      this.compareList.replaceChildren(
        ...this.schemas.map((schema) => {
          const box = document.createElement("vscode-checkbox") as VscodeCheckbox;
          box.id = `compare-${schema.name}`;
          box.label = schema.name;
          box.value = schema.name;
          box.addEventListener("change", () => {
            this.form.compare = this.schemas.map((s) => s.name).filter((name) => name === schema.name ? box.checked : this.form.compare.includes(name));
            this.changed();
          });
          return box;
        }),
      );
    }
    for (const box of this.compareList.querySelectorAll<VscodeCheckbox>("vscode-checkbox")) box.checked = this.form.compare.includes(box.value);
  }
}
