/**
 * The elements' base: what they need of lit's ReactiveElement in a few hundred bytes, on the first stage,
 * so the pay button is interactive before lit-html (2.7 KB gzip) arrives with the second stage: attributes
 * as properties (`static properties`, declared as for lit, which the manifest analyzer reads), batched
 * updates in a microtask with `updateComplete`, `willUpdate` / `update` / `firstUpdated` / `updated` with
 * the changed properties, reactive controllers (`hostConnected` / `hostDisconnected`), and adopted
 * stylesheets (allowed by a strict `style-src`). `<kpg-checkout>` renders its shadow DOM by hand; the
 * picker and the receipt (second stage) render lit-html templates on it (base-element.ts), so the second
 * stage carries lit-html alone, not lit's ReactiveElement as well.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface PropertyDeclaration {
  /** The attribute's name (default: the property's, lower-cased); `false`: no attribute. */
  attribute?: string | false;
  /** `Boolean`: present or absent. Otherwise the attribute's text (null when removed). */
  type?: BooleanConstructor;
  /** Write the property back to its attribute after each update (absent for null, undefined and false). */
  reflect?: boolean;
}

export type Changed = Map<PropertyKey, unknown>;

/** CSS text for `static styles` (the build's template minifier shortens it, as it does lit's `css`). */
export const css = (strings: TemplateStringsArray): string => strings[0];

/** A constructed stylesheet of CSS text (adopted by shadow roots and documents: a strict CSP allows it). */
export function sheet(text: string): CSSStyleSheet {
  const made = new CSSStyleSheet();
  made.replaceSync(text);
  return made;
}

/** Run `then` when the page is idle (soon after, where there is no requestIdleCallback). */
export const idle = (then: () => void): unknown =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(then, { timeout: 100 }) : setTimeout(then, 1);

/** Each element class's stylesheet, its properties (its own and its bases'), and attribute -> property. */
const sheets = new WeakMap<object, CSSStyleSheet>();
const declarations = new WeakMap<object, Record<string, PropertyDeclaration>>();
const attributes = new WeakMap<object, Map<string, string>>();

type Ctor = typeof Reactive;

// Node has no HTMLElement, and `kpg-checkout/elements` must still load there (a server rendering the page
// imports it; define.ts then defines nothing), as it did on lit's base: 7 bytes of gzip.
export class Reactive extends ((globalThis.HTMLElement || Object) as typeof HTMLElement) implements ReactiveControllerHost {
  static properties: Record<string, PropertyDeclaration> = {};
  static styles = '';

  /** Defines the properties' accessors (customElements.define reads this once). */
  static get observedAttributes(): string[] {
    const map = new Map<string, string>();
    const all: Record<string, PropertyDeclaration> = {};
    for (let c = this; c !== Reactive; c = Object.getPrototypeOf(c)) for (const [k, v] of Object.entries(c.properties)) all[k] ??= v;
    declarations.set(this, all);
    for (const [name, declaration] of Object.entries(all)) {
      if (declaration.attribute !== false) map.set(declaration.attribute || name.toLowerCase(), name);
      Object.defineProperty(this.prototype, name, {
        configurable: true,
        get(this: Reactive) {
          return this.#values.get(name);
        },
        set(this: Reactive, value: unknown) {
          const old = this.#values.get(name);
          if (old === value || (old !== old && value !== value)) return;
          this.#values.set(name, value);
          this.requestUpdate(name, old);
        },
      });
    }
    attributes.set(this, map);
    return [...map.keys()];
  }

  readonly renderRoot: ShadowRoot;
  isUpdatePending = false;
  hasUpdated = false;

  #values = new Map<string, unknown>();
  #changed: Changed = new Map();
  #controllers = new Set<ReactiveController>();
  /** Properties set before the element was defined (own properties that hid the accessors). */
  #early = new Map<string, unknown>();
  #connected = false;
  #open!: () => void;
  /** Updates wait for the first connection. */
  #ready = new Promise<void>((resolve) => (this.#open = resolve));
  #done: Promise<boolean>;
  #reflecting = false;
  /** The pending update waits for idle time (requestIdleUpdate); a plain request brings it forward. */
  #whenIdle = false;

  constructor() {
    super();
    const ctor = this.constructor as Ctor;
    for (const name in declarations.get(ctor)) {
      if (Object.hasOwn(this, name)) {
        this.#early.set(name, (this as Record<string, unknown>)[name]);
        delete (this as Record<string, unknown>)[name];
      }
    }
    this.renderRoot = this.attachShadow({ mode: 'open' });
    let styles = sheets.get(ctor);
    if (!styles) sheets.set(ctor, (styles = sheet(ctor.styles)));
    this.renderRoot.adoptedStyleSheets = [styles];
    this.#done = this.#schedule();
  }

  /** Resolves after the pending update (true when no other is pending then). */
  get updateComplete(): Promise<boolean> {
    return this.#done;
  }

  addController(controller: ReactiveController): void {
    this.#controllers.add(controller);
    if (this.#connected) controller.hostConnected?.();
  }

  removeController(controller: ReactiveController): void {
    this.#controllers.delete(controller);
  }

  requestUpdate(name?: PropertyKey, old?: unknown): void {
    if (name !== undefined && !this.#changed.has(name)) this.#changed.set(name, old);
    if (!this.isUpdatePending || this.#whenIdle) this.#done = this.#schedule();
  }

  /**
   * An update in idle time rather than in this task's microtasks (the checkout's busy state: nothing of it
   * lies between the buyer's click and the window). `updateComplete` resolves after it.
   */
  requestIdleUpdate(): void {
    if (this.isUpdatePending) return;
    this.#done = new Promise<void>((resolve) => idle(resolve)).then(() => this.#schedule(true));
    this.isUpdatePending = this.#whenIdle = true;
  }

  #schedule(idleTime = false): Promise<boolean> {
    if (idleTime && !this.#whenIdle) return Promise.resolve(!this.isUpdatePending); // brought forward meanwhile
    this.isUpdatePending = true;
    this.#whenIdle = false;
    return this.#ready.then(() => this.#perform());
  }

  connectedCallback(): void {
    this.#connected = true;
    for (const [name, value] of this.#early) (this as Record<string, unknown>)[name] = value;
    this.#early.clear();
    this.#open();
    for (const c of this.#controllers) c.hostConnected?.();
  }

  disconnectedCallback(): void {
    this.#connected = false;
    for (const c of this.#controllers) c.hostDisconnected?.();
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    const property = attributes.get(this.constructor)?.get(name);
    if (!property || this.#reflecting) return;
    const declaration = declarations.get(this.constructor)![property];
    (this as Record<string, unknown>)[property] = declaration.type === Boolean ? value !== null : value;
  }

  #perform(): boolean {
    if (!this.isUpdatePending) return true;
    const changed = this.#changed;
    try {
      this.willUpdate(changed);
      const properties = declarations.get(this.constructor)!;
      this.#reflecting = true;
      for (const name of changed.keys()) {
        const declaration = properties[name as string];
        if (!declaration?.reflect) continue;
        const attribute = declaration.attribute || (name as string).toLowerCase();
        const value = (this as Record<string, unknown>)[name as string];
        if (value == null || value === false) this.removeAttribute(attribute);
        else this.setAttribute(attribute, value === true ? '' : String(value));
      }
      this.#reflecting = false;
      this.update(changed);
    } finally {
      this.#reflecting = false;
      this.isUpdatePending = false;
      this.#changed = new Map();
    }
    if (!this.hasUpdated) {
      this.hasUpdated = true;
      this.firstUpdated(changed);
    }
    this.updated(changed);
    return !this.isUpdatePending;
  }

  /** Before rendering: derive state from the changed properties (changes made here join this update). */
  protected willUpdate(_changed: Changed): void {}

  /** Render. */
  protected update(_changed: Changed): void {}

  /** After the first rendering, before `updated`. */
  protected firstUpdated(_changed: Changed): void {}

  /** After rendering (changes made here start another update). */
  protected updated(_changed: Changed): void {}
}
