// layout.js — small DOM helpers shared by the views: element creation (text only), placing
// things on the time axis by percentage, and one-tab-stop keyboard groups.

function byId(id) {
  return document.getElementById(id);
}

// Every piece of call data enters the page through here or setAttribute: as text.
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Time to horizontal position: percentages, so zooming is one width change, not a redraw.
class Scale {
  constructor(span) {
    this.start = span.start;
    this.length = Math.max(span.end - span.start, 1e-6);
  }

  percent(seconds) {
    const p = ((seconds - this.start) / this.length) * 100;
    return Math.min(100, Math.max(0, p));
  }

  place(node, start, end) {
    const left = this.percent(start);
    node.style.left = `${left.toFixed(4)}%`;
    if (end !== undefined && end !== null) {
      node.style.width = `${Math.max(0, this.percent(end) - left).toFixed(4)}%`;
    }
  }

  timeAt(fraction) {
    return this.start + fraction * this.length;
  }
}

const HORIZONTAL_KEYS = { back: ["ArrowLeft", "ArrowUp"], forward: ["ArrowRight", "ArrowDown"] };
const VERTICAL_KEYS = { back: ["ArrowUp"], forward: ["ArrowDown"] };

// A roving tab stop: the group is one Tab stop; arrow keys, Home and End move inside it, and
// Enter or Space press the focused button. Moving is O(1): each item knows its position.
class RovingGroup {
  constructor(container, keys) {
    this.items = [];
    this.current = null;
    this.keys = keys;
    container.addEventListener("keydown", (event) => this.onKey(event));
  }

  add(node) {
    node.dataset.k = String(this.items.length);
    node.tabIndex = this.items.length === 0 ? 0 : -1;
    this.items.push(node);
    if (this.current === null) this.current = node;
  }

  setCurrent(node) {
    if (this.current === node) return;
    if (this.current !== null) this.current.tabIndex = -1;
    node.tabIndex = 0;
    this.current = node;
  }

  onKey(event) {
    const position = Number(event.target?.dataset?.k);
    if (!Number.isInteger(position) || this.items[position] !== event.target) return;
    let next = null;
    if (this.keys.back.includes(event.key)) next = position - 1;
    else if (this.keys.forward.includes(event.key)) next = position + 1;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.items.length - 1;
    if (next === null || next < 0 || next >= this.items.length) return;
    event.preventDefault();
    this.setCurrent(this.items[next]);
    this.items[next].focus();
  }
}

// The first position in a sorted array whose key is >= value (binary search).
function lowerBound(sorted, value, key) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (key(sorted[mid]) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
