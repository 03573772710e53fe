// Chat page for the news QA service. Every piece of server data is inserted as text
// (textContent / text nodes), never parsed as HTML, so articles cannot inject markup.

const $ = (sel) => document.querySelector(sel);
const KEY_NAME = 'newsqa.apiKey';
const MAX_HISTORY = 20; // keeps the request small; the server sees the most recent turns only
const MARKER = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
const STATUS_TEXT = {
  400: 'Bad request', 401: 'API key required', 403: 'Forbidden', 404: 'Not found',
  413: 'Too large', 415: 'Unsupported file type', 422: 'Invalid input',
  429: 'Too many requests', 503: 'Service unavailable',
};

const messages = $('#messages');
const question = $('#question');
const sendBtn = $('#send');
const panel = $('#source-panel');
const keyDialog = $('#api-key-dialog');
const keyInput = $('#api-key');

let history = [];
let current = null; // AbortController of the answer being streamed
let panelOpener = null;
let keyPrompt = null;
let memoryKey = null; // fallback when sessionStorage is unavailable (privacy modes)

// ---------- small helpers ----------

function el(tag, attrs = {}, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...kids.filter((k) => k != null && k !== '')); // strings become text nodes
  return node;
}

function safeUrl(u) {
  if (typeof u !== 'string' || !/^https?:\/\//i.test(u.trim())) return null;
  try {
    const url = new URL(u.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function fmtDate(s) {
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(s));
  if (!m) return String(s);
  // UTC on both sides so a bare date never shifts a day in western time zones.
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

const getKey = () => { try { return sessionStorage.getItem(KEY_NAME); } catch { return memoryKey; } };
const setKey = (k) => { memoryKey = k; try { sessionStorage.setItem(KEY_NAME, k); } catch { /* memory only */ } };

const errorNode = (text) => el('p', { class: 'error', role: 'alert' }, text);

// ---------- HTTP ----------

function formatDetail(detail) {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((e) => {
      if (!e || typeof e !== 'object') return String(e);
      const loc = Array.isArray(e.loc) ? e.loc.filter((p) => p !== 'body').join('.') : '';
      return (loc ? `${loc}: ` : '') + (e.msg ?? JSON.stringify(e));
    }).join('; ');
  }
  return detail == null ? '' : JSON.stringify(detail);
}

async function errorMessage(res) {
  let detail = '';
  try {
    detail = formatDetail((await res.json())?.detail);
  } catch { /* body was not JSON, e.g. a proxy error page: fall back to the status */ }
  const what = STATUS_TEXT[res.status] || (res.status >= 500 ? 'Server error' : 'Request failed');
  return detail ? `${what}: ${detail}` : `${what} (HTTP ${res.status}).`;
}

// Resolves with the key, or null if the user cancels. Concurrent 401s share one prompt.
function askForKey(reason) {
  keyPrompt ??= new Promise((resolve) => {
    const prevFocus = document.activeElement;
    $('#api-key-reason').textContent = reason;
    keyInput.value = '';
    keyDialog.returnValue = '';
    keyDialog.addEventListener('close', () => {
      const key = keyDialog.returnValue === 'save' ? keyInput.value.trim() : '';
      if (key) setKey(key);
      keyPrompt = null;
      if (prevFocus?.isConnected) prevFocus.focus();
      resolve(key || null);
    }, { once: true });
    keyDialog.showModal();
  });
  return keyPrompt;
}

// fetch that throws readable errors on network failure / non-2xx and handles the API-key dance.
async function apiFetch(path, init = {}) {
  for (let tries = 0; ; tries++) {
    const sent = getKey();
    const headers = new Headers(init.headers);
    if (sent) headers.set('X-API-Key', sent);
    let res;
    try {
      res = await fetch(path, { ...init, headers });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      throw new Error(`Network error: could not reach the server (${err.message}).`);
    }
    if (res.ok) return res;
    const message = await errorMessage(res);
    if (res.status !== 401 || tries >= 5) throw new Error(message);
    if (getKey() !== sent) continue; // a new key was entered while this request was in flight
    const key = await askForKey(sent
      ? `The server rejected the API key (${message}). Enter a valid key.`
      : `This server needs an API key (${message}).`);
    if (!key) throw new Error(`${message}. No API key was given.`);
  }
}

// Server-Sent Events over a POST response. Events may be split across chunks at any byte.
async function* sseEvents(res) {
  if (!res.body) throw new Error('This browser cannot read streamed responses.');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let carry = ''; // a trailing "\r" may be the first half of "\r\n"
  for (;;) {
    const { value, done } = await reader.read();
    let text = carry + (done ? decoder.decode() : decoder.decode(value, { stream: true }));
    carry = !done && text.endsWith('\r') ? '\r' : '';
    if (carry) text = text.slice(0, -1);
    buf += text.replace(/\r\n?/g, '\n');
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const ev = parseEvent(buf.slice(0, i));
      buf = buf.slice(i + 2);
      if (ev) yield ev;
    }
    if (done) {
      const ev = parseEvent(buf);
      if (ev) yield ev;
      return;
    }
  }
}

function parseEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const c = line.indexOf(':');
    const field = c < 0 ? line : line.slice(0, c);
    const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  try {
    return { event, data: JSON.parse(data.join('\n')) };
  } catch {
    throw new Error(`The server sent a malformed "${event}" event.`);
  }
}

// ---------- chat ----------

// Measured before new text is added: a long piece (an extractive answer streams whole sentences) would
// otherwise always look as if the reader had scrolled away, and the view would stop following the answer.
const nearEnd = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;

function scrollToEnd(force, follow = nearEnd()) {
  if (force || follow) messages.scrollTop = messages.scrollHeight;
}

function addMessage(role, text = '') {
  const body = el('div', { class: 'msg-body' }, text);
  const node = el('div', { class: `msg ${role}` },
    el('p', { class: 'who' }, role === 'user' ? 'You' : 'Answer'), body);
  messages.append(node);
  scrollToEnd(true);
  return { node, body };
}

function citeButton(c, cls, ...content) {
  const attrs = { type: 'button', class: cls, 'data-n': c.n, title: c.title || null };
  if (cls === 'cite') attrs['aria-label'] = `Source ${c.n}${c.title ? `: ${c.title}` : ''}`;
  const b = el('button', attrs, ...content);
  b.addEventListener('click', () => openSource(c, b));
  return b;
}

function answerNodes(text, byN) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    const nums = m[1].split(/\s*[,;]\s*/).map(Number);
    if (!nums.some((n) => byN.has(n))) continue; // e.g. "[2024]" in prose stays literal
    out.push(text.slice(last, m.index));
    out.push(el('span', { class: 'cite-group' },
      ...nums.map((n) => (byN.has(n) ? citeButton(byN.get(n), 'cite', String(n)) : `[${n}]`))));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

const REFUSAL_REASONS = {
  off_topic: 'No indexed article is about this question.',
  empty_index: 'Nothing is indexed yet: add an article first (Add article, or newsqa reindex).',
  no_supporting_sentence: 'No sentence in the retrieved articles answers it.',
  model_declined: 'The model found no answer in the retrieved articles.',
};

function renderFinal(msg, data) {
  const passageText = new Map((data.passages || []).map((p) => [p.chunk_id, p.text]));
  const cites = (data.citations || [])
    .map((c) => ({ ...c, text: passageText.get(c.chunk_id) }))
    .sort((a, b) => a.n - b.n);
  const byN = new Map(cites.map((c) => [c.n, c]));
  msg.body.replaceChildren(...answerNodes(String(data.answer ?? ''), byN));

  if (data.abstained) {
    // A refusal is not an answer: shown as one, with why, and never as a supported statement.
    msg.node.dataset.abstained = 'true';
    msg.node.append(el('p', { class: 'notice refusal-reason' }, REFUSAL_REASONS[data.reason] || 'No answer found.'));
  } else if (data.grounded === false) {
    msg.node.append(el('p', { class: 'notice' }, 'Not supported by the indexed articles.'));
  }
  if (cites.length) {
    const list = el('ol', { class: 'sources', 'aria-label': 'Sources' });
    for (const c of cites) {
      const meta = [c.source, fmtDate(c.published)].filter(Boolean).join(' · ');
      list.append(el('li', {}, citeButton(c, 'source-ref',
        el('span', { class: 'ref-n' }, `[${c.n}]`), ' ', c.title || 'Untitled',
        meta ? el('span', { class: 'ref-meta' }, meta) : null)));
    }
    msg.node.append(el('p', { class: 'sources-label' }, 'Sources'), list);
  }
  if (data.model) msg.node.append(el('p', { class: 'msg-meta' }, el('span', { class: 'model' }, data.model)));
}

function setBusy(busy) {
  sendBtn.disabled = busy;
  // Stops screen readers from announcing every streamed token; the finished answer is read once.
  messages.setAttribute('aria-busy', String(busy));
}

async function ask(q) {
  const ctrl = new AbortController();
  current = ctrl;
  setBusy(true);
  addMessage('user', q);
  const msg = addMessage('assistant');
  msg.node.dataset.state = 'streaming';
  const streamed = document.createTextNode('');
  msg.body.append(streamed);
  let final = null;
  try {
    const res = await apiFetch('/ask/stream', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify({ question: q, history: history.slice(-MAX_HISTORY) }),
      signal: ctrl.signal,
    });
    for await (const { event, data } of sseEvents(res)) {
      if (event === 'token') {
        const follow = nearEnd();
        streamed.appendData(String(data?.text ?? ''));
        scrollToEnd(false, follow);
      } else if (event === 'citations') {
        final = data;
        const follow = nearEnd();
        renderFinal(msg, data);
        scrollToEnd(false, follow);
      } else if (event === 'done') {
        const total = data?.timings_ms?.total;
        if (typeof total === 'number') {
          const meta = msg.node.querySelector('.msg-meta') || msg.node.appendChild(el('p', { class: 'msg-meta' }));
          meta.append(el('span', { class: 'timing' }, `${(total / 1000).toFixed(1)} s`));
        }
      } else if (event === 'error') {
        throw new Error(data?.message || 'The server reported an error while answering.');
      }
    }
    if (!final) throw new Error('The answer stream ended before the answer was complete.');
    history.push({ role: 'user', content: q }, { role: 'assistant', content: String(final.answer ?? '') });
    msg.node.dataset.state = 'done';
  } catch (err) {
    if (err.name === 'AbortError') return; // the conversation was cleared on purpose
    msg.node.dataset.state = 'error';
    if (!msg.body.textContent) msg.body.remove();
    msg.node.append(errorNode(err.message || String(err)));
    scrollToEnd(true);
  } finally {
    if (current === ctrl) {
      current = null;
      setBusy(false);
    }
  }
}

function submitQuestion() {
  const q = question.value.trim();
  if (!q || current) return;
  question.value = '';
  ask(q);
}

// ---------- source panel ----------

function openSource(c, opener) {
  panelOpener = opener;
  $('#source-num').textContent = `Source [${c.n}]`;
  panel.querySelector('.source-title').textContent = c.title || 'Untitled';
  panel.querySelector('.source-meta').textContent = [fmtDate(c.published), c.source, c.author && `by ${c.author}`]
    .filter(Boolean).join(' · ');
  // The whole cited passage: the snippet is only its first few hundred characters and can stop
  // before the sentence the answer rests on.
  panel.querySelector('.source-snippet').textContent = c.text || c.snippet || '';
  const link = panel.querySelector('.source-link');
  const url = safeUrl(c.url);
  link.hidden = !url;
  if (url) link.href = url;
  else link.removeAttribute('href');
  panel.hidden = false;
  $('#source-close').focus();
}

function closeSource(restoreFocus = true) {
  if (panel.hidden) return;
  panel.hidden = true;
  if (restoreFocus) (panelOpener?.isConnected ? panelOpener : question).focus();
  panelOpener = null;
}

// ---------- documents / upload ----------

function setUploadStatus(text, isError) {
  $('#upload-status').replaceChildren(isError ? errorNode(text) : el('p', {}, text));
}

async function refreshDocuments() {
  const status = $('#documents-status');
  try {
    const res = await apiFetch('/documents?offset=0&limit=20');
    const { total = 0, items = [] } = await res.json();
    $('#doc-count').textContent = String(total);
    $('#documents').replaceChildren(...items.map((d) => {
      const title = d.title || d.doc_id || 'Untitled';
      const url = safeUrl(d.url);
      const chunks = typeof d.chunks === 'number' ? `${d.chunks} chunk${d.chunks === 1 ? '' : 's'}` : '';
      return el('li', {},
        url ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, title) : el('span', { class: 'doc-title' }, title),
        el('span', { class: 'doc-meta' }, [d.source, fmtDate(d.published), chunks].filter(Boolean).join(' · ')));
    }));
    status.replaceChildren(...(total > items.length ? [el('p', { class: 'hint' }, `Showing the first ${items.length} of ${total}.`)] : []));
  } catch (err) {
    status.replaceChildren(errorNode(`Could not load documents: ${err.message}`));
  }
}

async function refreshHealth() {
  const health = $('#health');
  try {
    const h = await (await apiFetch('/health')).json();
    health.textContent = [
      typeof h.documents === 'number' ? `${h.documents} documents` : '',
      typeof h.chunks === 'number' ? `${h.chunks} chunks` : '',
      h.model || '',
    ].filter(Boolean).join(' · ');
    health.classList.remove('bad');
    $('#auth-hint').hidden = !h.auth?.writes;
  } catch (err) {
    health.textContent = `Server unavailable: ${err.message}`;
    health.classList.add('bad');
  }
}

async function addDocument(init, button, form) {
  button.disabled = true;
  setUploadStatus('Adding…');
  try {
    const res = await apiFetch('/documents', { method: 'POST', ...init });
    const doc = await res.json();
    const title = doc.title || doc.doc_id || 'Untitled';
    const verb = doc.status === 'duplicate' ? 'Already indexed' : doc.status === 'updated' ? 'Updated' : 'Added';
    setUploadStatus(`${verb}: ${title}`);
    form.reset();
    refreshDocuments();
    refreshHealth();
  } catch (err) {
    setUploadStatus(err.message || String(err), true);
  } finally {
    button.disabled = false;
  }
}

// ---------- wiring ----------

$('#ask-form').addEventListener('submit', (e) => {
  e.preventDefault();
  submitQuestion();
});

question.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submitQuestion();
  }
});

$('#clear').addEventListener('click', () => {
  current?.abort();
  current = null;
  setBusy(false);
  history = [];
  closeSource(false);
  messages.replaceChildren();
  question.focus();
});

$('#source-close').addEventListener('click', () => closeSource());

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !panel.hidden && !keyDialog.open) {
    e.preventDefault();
    closeSource();
  }
});

$('#api-key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  keyDialog.close('save');
});
$('#api-key-cancel').addEventListener('click', () => keyDialog.close(''));

$('#upload-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const file = $('#upload-file').files[0];
  if (!file) {
    setUploadStatus('Choose a file to upload first.', true);
    return;
  }
  const body = new FormData();
  body.append('file', file);
  addDocument({ body }, $('#upload-submit'), e.target);
});

$('#paste-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const val = (id) => $(id).value.trim();
  const payload = { title: val('#paste-title'), text: val('#paste-text') };
  if (!payload.title || !payload.text) {
    setUploadStatus('Both a title and the article text are needed.', true);
    return;
  }
  // Optional fields are omitted when blank so the server's defaults/validation apply.
  for (const [k, id] of [['url', '#paste-url'], ['source', '#paste-source'], ['published', '#paste-published']]) {
    if (val(id)) payload[k] = val(id);
  }
  addDocument({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) },
    $('#paste-submit'), e.target);
});

refreshHealth();
refreshDocuments();
