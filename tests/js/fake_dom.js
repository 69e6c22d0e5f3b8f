// A minimal DOM, window, location and history: just what static/search.js's
// page part touches, so its behaviour can be checked in Node without a
// browser. innerHTML, outerHTML, insertAdjacentHTML and document.write throw:
// the search must build results from nodes only.
"use strict";

class FakeNode {
  constructor(document) {
    this.ownerDocument = document;
    this.childNodes = [];
    this.parentNode = null;
  }

  appendChild(child) {
    if (child instanceof FakeFragment) {
      child.childNodes.splice(0).forEach((node) => this.appendChild(node));
      return child;
    }
    if (child.parentNode) child.parentNode.removeChild(child);
    child.parentNode = this;
    this.childNodes.push(child);
    return child;
  }

  removeChild(child) {
    this.childNodes = this.childNodes.filter((node) => node !== child);
    child.parentNode = null;
    return child;
  }

  get firstChild() {
    return this.childNodes[0] || null;
  }

  get textContent() {
    return this.childNodes.map((node) => node.textContent).join("");
  }

  set textContent(value) {
    this.childNodes.forEach((node) => { node.parentNode = null; });
    this.childNodes = [];
    if (String(value) !== "") this.appendChild(new FakeText(this.ownerDocument, String(value)));
  }
}

class FakeText extends FakeNode {
  constructor(document, data) {
    super(document);
    this.data = data;
  }

  get textContent() {
    return this.data;
  }

  set textContent(value) {
    this.data = String(value);
  }
}

class FakeFragment extends FakeNode {}

function forbidden(name) {
  return {
    get() { throw new Error(name + " must not be used"); },
    set() { throw new Error(name + " must not be used"); },
  };
}

class FakeElement extends FakeNode {
  constructor(document, tag) {
    super(document);
    this.tagName = tag.toUpperCase();
    this.attributes = {};
    this.listeners = {};
    this.className = "";
  }

  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }

  getAttribute(name) {
    return Object.prototype.hasOwnProperty.call(this.attributes, name) ? this.attributes[name] : null;
  }

  removeAttribute(name) {
    delete this.attributes[name];
  }

  addEventListener(type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
  }

  dispatch(type, properties) {
    const event = Object.assign({
      type,
      target: this,
      defaultPrevented: false,
      preventDefault() { this.defaultPrevented = true; },
    }, properties || {});
    (this.listeners[type] || []).forEach((listener) => listener(event));
    return event;
  }

  insertAdjacentHTML() {
    throw new Error("insertAdjacentHTML must not be used");
  }
}
Object.defineProperty(FakeElement.prototype, "innerHTML", forbidden("innerHTML"));
Object.defineProperty(FakeElement.prototype, "outerHTML", forbidden("outerHTML"));

class FakeInput extends FakeElement {
  constructor(document) {
    super(document, "input");
    this.value = "";
  }
}

class FakeSelect extends FakeElement {
  constructor(document, values) {
    super(document, "select");
    this.values = values;
    this.selected = values[0];
  }

  get value() {
    return this.selected === undefined ? "" : this.selected;
  }

  // Like a browser: an unknown value leaves no option selected.
  set value(value) {
    this.selected = this.values.includes(value) ? value : undefined;
  }
}

class FakeDocument {
  constructor() {
    this.title = "搜索";
    this.readyState = "complete";
    this.byId = {};
    this.listeners = {};
    this.head = new FakeElement(this, "head");
  }

  createElement(tag) {
    return new FakeElement(this, tag);
  }

  createTextNode(text) {
    return new FakeText(this, String(text));
  }

  createDocumentFragment() {
    return new FakeFragment(this);
  }

  getElementById(id) {
    return this.byId[id] || null;
  }

  addEventListener(type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
  }

  write() {
    throw new Error("document.write must not be used");
  }

  register(id, element) {
    element.setAttribute("id", id);
    this.byId[id] = element;
    return element;
  }
}

class FakeWindow {
  constructor(document, href) {
    this.document = document;
    this.listeners = {};
    this.timers = new Map();
    this.soon = new Set(); // timers without a delay
    this.nextTimer = 1;
    const url = new URL(href);
    this.location = { protocol: url.protocol, pathname: url.pathname, search: url.search };
    this.entries = [{ pathname: url.pathname, search: url.search }];
    this.position = 0;
    this.pushes = 0;
    this.replaces = 0;
    const window = this;
    this.history = {
      pushState(state, title, target) {
        window.entries.splice(window.position + 1);
        window.entries.push(window.resolve(target));
        window.position += 1;
        window.pushes += 1;
        window.go();
      },
      replaceState(state, title, target) {
        window.entries[window.position] = window.resolve(target);
        window.replaces += 1;
        window.go();
      },
    };
  }

  resolve(target) {
    const url = new URL(target, "http://site" + this.location.pathname + this.location.search);
    return { pathname: url.pathname, search: url.search };
  }

  go() {
    Object.assign(this.location, this.entries[this.position]);
  }

  back() {
    if (this.position === 0) return;
    this.position -= 1;
    this.go();
    (this.listeners.popstate || []).forEach((listener) => listener({ type: "popstate" }));
  }

  addEventListener(type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
  }

  requestAnimationFrame(callback) {
    return this.setTimeout(callback, 0); // a frame comes as soon as the page waits
  }

  setTimeout(callback, delay, ...args) {
    const id = this.nextTimer++;
    this.timers.set(id, () => callback(...args));
    if (!delay) this.soon.add(id);
    return id;
  }

  /** Run the timers set without a delay (not the typing pause), as the next turns of the event loop would. */
  runSoonTimers() {
    const ids = [...this.soon].filter((id) => this.timers.has(id));
    this.soon.clear();
    ids.forEach((id) => {
      const callback = this.timers.get(id);
      this.timers.delete(id);
      callback();
    });
    return ids.length;
  }

  clearTimeout(id) {
    this.timers.delete(id);
  }

  flushTimers() {
    const pending = [...this.timers.values()];
    this.timers.clear();
    pending.forEach((callback) => callback());
  }
}

function escapeText(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** HTML of a fake node, for assertions: text is escaped as a browser would. */
function serialize(node) {
  if (node instanceof FakeText) return escapeText(node.data);
  const inner = node.childNodes.map(serialize).join("");
  if (!(node instanceof FakeElement)) return inner;
  const tag = node.tagName.toLowerCase();
  const attributes = Object.keys(node.attributes).sort()
    .map((name) => ` ${name}="${escapeText(node.attributes[name]).replace(/"/g, "&quot;")}"`).join("");
  const className = node.className ? ` class="${node.className}"` : "";
  return `<${tag}${className}${attributes}>${inner}</${tag}>`;
}

/** Every element below a node, depth first. */
function elements(node) {
  return node.childNodes.filter((child) => child instanceof FakeElement)
    .flatMap((child) => [child, ...elements(child)]);
}

module.exports = { FakeDocument, FakeWindow, FakeElement, FakeInput, FakeSelect, serialize, elements };
