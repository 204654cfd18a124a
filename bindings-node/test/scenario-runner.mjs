// The shared scenarios of tests/scenarios/ (format in its README.md), run through the package:
// a client built from the scenario's `client` settings, the call made as the operation's
// generated method makes it (`client._call` with the operation's path, query, body, files and
// per-call options), then the stream read, the job waited on or the pages walked through the
// package's own handles. What the caller saw is compared with `expect`, and the mock's log with
// `expect_request`, as the reference runner and the core's runner do.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support.mjs';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_JOB_WAIT_MS = 10_000;
const JOB_POLL_MS = 100;

export function loadAll() {
  const dir = path.join(ROOT, 'tests', 'scenarios');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).scenarios);
}

// ---- matching -------------------------------------------------------------------------------

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const short = (v, n = 160) => truncate(JSON.stringify(v) ?? String(v), n);
const truncate = (s, n) => (s.length <= n ? s : `${s.slice(0, n)}…`);

/** Every mismatch between `exp` and `act`, each naming where it is (`$.choices[0].message`). */
export function subset(exp, act, at = '$') {
  if (isObj(exp) && Object.keys(exp).length && Object.keys(exp).every((k) => k.startsWith('$'))) return matcher(exp, act, at);
  if (isObj(exp)) {
    if (!isObj(act)) return [`${at}: expected an object, got ${short(act)}`];
    return Object.entries(exp).flatMap(([k, v]) => {
      const here = `${at}.${k}`;
      const absent = isObj(v) && Object.keys(v).length === 1 && v.$absent === true;
      const has = Object.prototype.hasOwnProperty.call(act, k);
      if (absent) return has ? [`${here}: expected absent, got ${short(act[k])}`] : [];
      if (!has) return [`${here}: missing`];
      return subset(v, act[k], here);
    });
  }
  if (Array.isArray(exp)) {
    if (!Array.isArray(act)) return [`${at}: expected an array, got ${short(act)}`];
    if (exp.length !== act.length) return [`${at}: expected ${exp.length} items, got ${act.length}`];
    return exp.flatMap((w, i) => subset(w, act[i], `${at}[${i}]`));
  }
  return exp === act ? [] : [`${at}: expected ${JSON.stringify(exp)}, got ${short(act)}`];
}

export const holds = (exp, act) => subset(exp, act).length === 0;

function matcher(ops, act, at) {
  const errs = [];
  for (const [op, arg] of Object.entries(ops)) {
    switch (op) {
      case '$type': {
        const ok = {
          string: typeof act === 'string',
          number: typeof act === 'number',
          integer: Number.isInteger(act),
          boolean: typeof act === 'boolean',
          array: Array.isArray(act),
          object: isObj(act),
          null: act === null,
        }[arg];
        if (ok === undefined) return [`${at}: unknown $type ${arg}`];
        if (!ok) errs.push(`${at}: expected ${arg}, got ${short(act)}`);
        break;
      }
      case '$prefix':
      case '$contains': {
        const ok = typeof act === 'string' && (op === '$prefix' ? act.startsWith(arg) : act.includes(arg));
        if (!ok) errs.push(`${at}: expected a string ${op === '$prefix' ? 'starting' : 'containing'} ${JSON.stringify(arg)}, got ${short(act)}`);
        break;
      }
      case '$len':
      case '$min_len': {
        const n = typeof act === 'string' ? [...act].length : Array.isArray(act) ? act.length : isObj(act) ? Object.keys(act).length : null;
        const ok = n !== null && (op === '$len' ? n === arg : n >= arg);
        if (!ok) errs.push(`${at}: expected ${op.slice(1)} ${arg}, got ${n ?? 'no length'}`);
        break;
      }
      case '$gte':
      case '$lte': {
        const ok = typeof act === 'number' && (op === '$gte' ? act >= arg : act <= arg);
        if (!ok) errs.push(`${at}: expected ${op.slice(1)} ${arg}, got ${short(act)}`);
        break;
      }
      case '$each':
        if (!Array.isArray(act)) errs.push(`${at}: expected an array, got ${short(act)}`);
        else act.forEach((x, i) => errs.push(...subset(arg, x, `${at}[${i}]`)));
        break;
      case '$some':
        if (!(Array.isArray(act) && act.some((x) => holds(arg, x)))) errs.push(`${at}: no item matches ${short(arg, 200)}`);
        break;
      default:
        errs.push(`${at}: unknown matcher ${op}`);
    }
  }
  return errs;
}

// ---- placeholders ---------------------------------------------------------------------------

/** A value as it goes into a URL, a header or a form field. */
export const plain = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function substitute(v, vars) {
  if (typeof v === 'string') {
    const lookup = (name) => {
      if (!(name in vars)) throw new Error(`the scenario uses \${${name}}, which no setup step saved`);
      return vars[name];
    };
    const whole = /^\$\{([^}]*)\}$/.exec(v);
    if (whole && NAME.test(whole[1])) return lookup(whole[1]);
    return v.replace(/\$\{([^}]*)\}/g, (all, name) => (NAME.test(name) ? plain(lookup(name)) : all));
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, vars));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, vars)]));
  return v;
}

// ---- making the call ------------------------------------------------------------------------

/** The scenario error kinds, by the package's error classes. */
const KINDS = {
  BadRequestError: 'bad_request',
  AuthenticationError: 'authentication',
  InsufficientCreditsError: 'insufficient_credits',
  PermissionDeniedError: 'permission_denied',
  NotFoundError: 'not_found',
  ConflictError: 'conflict',
  UnprocessableEntityError: 'unprocessable',
  RateLimitError: 'rate_limit',
  InternalServerError: 'internal_server',
  APIError: 'api_error',
  APIConnectionError: 'connection',
  APIConnectionTimeoutError: 'timeout',
  JobTimeoutError: 'timeout',
  StreamError: 'stream',
  JobFailedError: 'job_failed',
  JobExpiredError: 'job_expired',
  APIResponseValidationError: 'decode',
  InvalidRequestError: 'bad_request',
  ConfigurationError: 'config',
  APIUserAbortError: 'cancelled',
};
const HTTP_ERRORS = new Set(['bad_request', 'authentication', 'insufficient_credits', 'permission_denied', 'not_found', 'conflict', 'unprocessable', 'rate_limit', 'internal_server', 'api_error']);

function envelopeOf(body) {
  if (isObj(body) && isObj(body.error)) return body.type === 'error' ? 'anthropic' : 'openai';
  return 'none';
}

/** A package error in the README's vocabulary. */
export function classify(e) {
  const kind = KINDS[e?.name] ?? `unexpected ${e?.name}: ${e?.message}`;
  const local = e?.name === 'InvalidRequestError';
  return {
    kind,
    status: e?.status,
    type: e?.type,
    code: e?.code,
    param: e?.param,
    reason: e?.reason,
    envelope: HTTP_ERRORS.has(kind) && !local && e?.status !== undefined ? envelopeOf(e.body) : undefined,
    events_before: undefined,
    requestID: e?.requestID,
    local,
    message: String(e?.message),
  };
}

function fields(err) {
  const out = {};
  for (const k of ['kind', 'status', 'type', 'code', 'param', 'reason', 'envelope', 'events_before']) {
    if (err[k] !== undefined && err[k] !== null) out[k] = err[k];
  }
  return out;
}

function clientFor(el, mock, settings = {}) {
  const o = {
    baseURL: mock.url,
    apiKey: mock.apiKey,
    maxRetries: settings.max_retries ?? 2,
    timeout: settings.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    streamIdleTimeout: settings.stream_idle_timeout_ms ?? DEFAULT_TIMEOUT_MS,
    // Scenarios count attempts, not backoff lengths: keep the waits the gateway did not ask for short.
    retryBackoff: { initial: 10, max: 50 },
  };
  if ('api_key' in settings) o.apiKey = settings.api_key; // null: no credential at all
  if (settings.auth_header) o.authHeader = settings.auth_header;
  return new el.EmpirioLabs(o);
}

function plainMap(m) {
  return m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? v.map(plain) : plain(v)])) : undefined;
}

/** The call's spec and options, from its `path_params`, `query`, `body` or `multipart`, `method` and `mock`. */
function callOf(el, call) {
  const spec = { path: plainMap(call.path_params), query: plainMap(call.query), body: call.body, method: call.method };
  if (call.multipart) {
    const body = { ...plainMap(call.multipart.fields) };
    for (const [name, f] of Object.entries(call.multipart.files ?? {})) {
      const data = Buffer.from(Array.from({ length: f.size ?? 0 }, (_, i) => i % 251));
      body[name] = new el.FileLike(data, f.filename ?? 'upload', f.content_type);
    }
    spec.body = body;
    spec.files = Object.keys(call.multipart.files ?? {});
  }
  const headers = plainMap(call.mock?.headers);
  return { spec, options: headers ? { headers } : {} };
}

async function setup(el, mock, steps, vars) {
  const client = clientFor(el, mock);
  for (const [n, raw] of (steps ?? []).entries()) {
    const step = substitute(raw, vars);
    const at = `step ${n + 1} (${step.operation})`;
    const { spec, options } = callOf(el, step);
    let status;
    let body;
    try {
      const res = await client._call(step.operation, spec, { ...options, maxRetries: 0 }, setup).asResponse();
      status = res.status;
      const text = await res.text();
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      if (e instanceof el.APIError && e.status !== undefined && !(e instanceof el.StreamError)) {
        status = e.status;
        body = e.body ?? null;
      } else {
        throw new Error(`${at}: ${e.message}`);
      }
    }
    const ok = step.expect_status !== undefined ? status === step.expect_status : status >= 200 && status < 300;
    if (!ok) throw new Error(`${at}: HTTP ${status} ${short(body)}`);
    for (const [name, pointer] of Object.entries(step.save ?? {})) {
      const value = pointerGet(body, pointer);
      if (value === undefined) throw new Error(`${at}: the answer has nothing at ${pointer}`);
      vars[name] = value;
    }
    if (step.wait_ms) await new Promise((r) => setTimeout(r, step.wait_ms));
  }
}

function pointerGet(v, pointer) {
  if (pointer === '') return v;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object' || !(k in v)) return undefined;
    v = v[k];
  }
  return v;
}

const base64Len = (b64) => Math.floor((b64.replace(/=+$/, '').length * 3) / 4);

async function readStream(stream, status, limit) {
  const st = { flavor: stream.flavor, events: [], terminated: false, closed_early: false, text: '', audio_bytes: 0 };
  let error;
  try {
    for await (const [ev, text] of stream._withText()) {
      const kind = typeof ev?.type === 'string' ? ev.type : null;
      st.text += text ?? '';
      if (kind === 'audio.chunk' && typeof ev.audio_b64 === 'string') st.audio_bytes += base64Len(ev.audio_b64);
      st.events.push([kind, ev]);
      if (limit !== undefined && st.events.length >= limit) {
        stream.close();
        st.closed_early = true;
        break;
      }
    }
    if (!st.closed_early) st.terminated = true;
  } catch (e) {
    error = classify(e);
    error.events_before = st.events.length;
  }
  return { outcome: error ? 'error' : 'stream', status, stream: st, error };
}

async function waitJob(job, status, consume) {
  const accepted = job.snapshot();
  if (consume.wait_delay_ms) await new Promise((r) => setTimeout(r, consume.wait_delay_ms));
  const seenJob = (j) => ({ id: j.id, accepted, final_status: j.status });
  try {
    const v = await job.wait({ timeout: consume.wait_timeout_ms ?? DEFAULT_JOB_WAIT_MS, pollInterval: JOB_POLL_MS, maxPollInterval: JOB_POLL_MS });
    return { outcome: 'job', status, json: v, job: seenJob(job) };
  } catch (e) {
    const error = classify(e);
    return { outcome: 'error', status: status ?? error.status, error, job: seenJob(job) };
  }
}

async function paginate(client, sc, p) {
  for (const [key, core] of [['cursor_param', 'before'], ['cursor_field', 'next_cursor'], ['has_more_field', 'has_more'], ['items_field', 'data']]) {
    if (p[key] !== undefined && p[key] !== core) throw new Error(`paginate: the package walks \`${core}\`, the scenario's ${key} is \`${p[key]}\``);
  }
  const { options } = callOf(null, sc);
  const pages = [];
  let last;
  try {
    const first = await client._pages(sc.operation, { query: { ...plainMap(sc.query), limit: plain(p.limit) } }, options, paginate);
    for await (const page of first.iterPages()) {
      pages.push(JSON.parse(JSON.stringify(page)));
      last = page;
      if (pages.length > 100) throw new Error('paginate: still going after 100 pages');
    }
  } catch (e) {
    if (e.message?.startsWith('paginate:')) throw e;
    const error = classify(e);
    return { outcome: 'error', status: error.status, error, pages };
  }
  return { outcome: 'json', status: last?.meta().status, json: pages.at(-1), pages };
}

async function execute(el, mock, sc) {
  const client = clientFor(el, mock, sc.client);
  const consume = sc.consume ?? {};
  const started = Date.now();
  let seen;
  if (sc.paginate) {
    seen = await paginate(client, sc, sc.paginate);
  } else {
    const { spec, options } = callOf(el, sc);
    let got;
    try {
      got = await client._call(sc.operation, spec, options, execute).withResponse();
    } catch (e) {
      const error = classify(e);
      seen = { outcome: 'error', status: error.status, error };
    }
    if (got) {
      const { data, response } = got;
      if (data instanceof el.Stream) seen = await readStream(data, response.status, consume.close_after_events);
      else if (data instanceof el.Job) seen = await waitJob(data, response.status, consume);
      else if (typeof data === 'string' || Buffer.isBuffer(data)) {
        seen = { outcome: 'text', status: response.status, content_type: response.headers.get('content-type') ?? '', text: data.toString() };
      } else seen = { outcome: 'json', status: response.status, json: data };
    }
  }
  seen.elapsed = Date.now() - started;
  if (seen.error?.kind === 'stream') {
    // A stream error comes after the 2xx headers the caller already holds.
    seen.error.status ??= seen.status;
  }
  return seen;
}

// ---- checking -------------------------------------------------------------------------------

function failedLocally(sc, seen) {
  const e = seen.error;
  if (!e) return false;
  if (sc.may_fail_locally === true) return e.local;
  if (sc.may_fail_locally === 'config') return e.kind === 'config' && e.message.includes('EMPIRIOLABS_API_KEY');
  return false;
}

function checkOutcome(sc, seen) {
  const exp = sc.expect;
  const want = exp.outcome;
  if (failedLocally(sc, seen)) {
    const e = seen.error;
    if (e.kind === 'config') return [];
    const param = exp.error?.param;
    return param !== undefined && e.param !== param ? [`local error: expected param ${param}, got ${e.param} (${e.message})`] : [];
  }
  if (seen.outcome !== want) {
    const what = seen.error ? `${JSON.stringify(fields(seen.error))} — ${seen.error.message}` : `status ${seen.status}`;
    return [`outcome: expected ${want}, got ${seen.outcome} ${what}`];
  }
  const errs = [];
  if (exp.status !== undefined && seen.status !== exp.status) errs.push(`status: expected ${exp.status}, the caller saw ${seen.status}`);
  if (exp.min_elapsed_ms !== undefined && seen.elapsed < exp.min_elapsed_ms) errs.push(`elapsed: expected at least ${exp.min_elapsed_ms} ms, got ${seen.elapsed} ms`);
  if (exp.json_subset !== undefined && seen.json !== undefined) errs.push(...subset(exp.json_subset, seen.json, '$'));
  if (seen.job) {
    const finalStatus = exp.job?.final_status ?? (want === 'job' ? 'completed' : 'failed');
    if ((want === 'job' || seen.error?.kind === 'job_failed') && seen.job.final_status !== finalStatus) errs.push(`job: expected ${finalStatus}, the handle says ${seen.job.final_status}`);
    if (exp.job?.accepted_subset) errs.push(...subset(exp.job.accepted_subset, seen.job.accepted, '$accepted'));
  }
  if (want === 'text') {
    if (exp.content_type && !seen.content_type.startsWith(exp.content_type)) errs.push(`content_type: expected ${exp.content_type}, got ${seen.content_type}`);
    if (exp.text !== undefined && seen.text !== exp.text) errs.push(`text: expected ${JSON.stringify(exp.text)}, got ${short(seen.text, 200)}`);
    for (const piece of exp.text_contains ?? []) if (!seen.text.includes(piece)) errs.push(`text: ${JSON.stringify(piece)} not in ${short(seen.text, 200)}`);
  }
  if (want === 'stream') errs.push(...checkStream(exp.stream ?? {}, seen));
  if (exp.error && seen.error) {
    const got = fields(seen.error);
    const wrong = Object.entries(exp.error).filter(([k, v]) => got[k] !== v).map(([k, v]) => `error.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(got[k] ?? null)}`);
    if (wrong.length) errs.push(...wrong, `  the package threw ${JSON.stringify(got)} — ${seen.error.message}`);
    if (seen.error.status !== undefined && !seen.error.requestID) errs.push(`error: it carries HTTP status ${seen.error.status} but not the response's x-request-id (${seen.error.message})`);
  }
  if (sc.paginate) errs.push(...checkPages(sc.paginate, seen));
  return errs;
}

function checkStream(st, seen) {
  const got = seen.stream;
  if (!got) return ['stream: the caller got no stream'];
  const errs = [];
  if (st.flavor && got.flavor !== st.flavor) errs.push(`stream.flavor: expected ${st.flavor}, the package streams ${got.flavor}`);
  const closedEarly = st.closed_early === true;
  if (got.closed_early !== closedEarly) errs.push(`stream.closed_early: expected ${closedEarly}`);
  const terminated = st.terminated ?? !closedEarly;
  if (got.terminated !== terminated) errs.push(`stream.terminated: expected ${terminated}, got ${got.terminated}`);
  const n = got.events.length;
  if (n < (st.min_events ?? 1)) errs.push(`stream.min_events: expected at least ${st.min_events ?? 1}, got ${n}`);
  if (st.events !== undefined && n !== st.events) errs.push(`stream.events: expected ${st.events}, got ${n}`);
  if (st.text !== undefined && got.text !== st.text) errs.push(`stream.text: expected ${JSON.stringify(st.text)}, got ${short(got.text, 200)}`);
  if (st.audio_bytes !== undefined && got.audio_bytes !== st.audio_bytes) errs.push(`stream.audio_bytes: expected ${st.audio_bytes}, got ${got.audio_bytes}`);
  if (st.event_types) {
    let i = 0;
    const types = got.events.map(([t]) => t);
    const ok = st.event_types.every((want) => {
      while (i < types.length) if (types[i++] === want) return true;
      return false;
    });
    if (!ok) errs.push(`stream.event_types: ${JSON.stringify(st.event_types)} is not a subsequence of ${short(types.slice(0, 40), 400)}`);
  }
  for (const want of st.events_include ?? []) if (!got.events.some(([, data]) => holds(want, data))) errs.push(`stream.events_include: no event matches ${short(want)}`);
  return errs;
}

function checkPages(p, seen) {
  const items = seen.pages.flatMap((page) => page[p.items_field ?? 'data'] ?? []);
  const errs = [];
  if (p.expect_pages !== undefined && seen.pages.length !== p.expect_pages) errs.push(`paginate: expected ${p.expect_pages} pages, got ${seen.pages.length}`);
  if (p.expect_items !== undefined && items.length !== p.expect_items) errs.push(`paginate: expected ${p.expect_items} items, got ${items.length}`);
  const ids = items.map((i) => JSON.stringify(i[p.id_field ?? 'id']));
  if (new Set(ids).size !== ids.length) errs.push('paginate: an item appears on two pages');
  return errs;
}

const AUTH = {
  'x-api-key': { scheme: 'x-api-key', valid: true },
  invalid: { valid: false },
  none: { scheme: null, valid: false },
  bearer: { scheme: 'bearer', valid: true },
};

function oneRequest(want, e) {
  const errs = [];
  for (const [k, v] of Object.entries(want.query ?? {})) {
    const values = (Array.isArray(v) ? v : [v]).map(plain);
    if (JSON.stringify(e.query?.[k]) !== JSON.stringify(values)) errs.push(`query ${k}=${JSON.stringify(e.query?.[k])}, expected ${JSON.stringify(values)}`);
  }
  for (const [k, v] of Object.entries(want.headers ?? {})) {
    const w = plain(v);
    const got = e.headers?.[k];
    if (!(typeof got === 'string' && (got === w || got.startsWith(`${w};`)))) errs.push(`header ${k}: ${JSON.stringify(got)}, expected ${JSON.stringify(w)}`);
  }
  if (want.body_subset !== undefined) errs.push(...subset(want.body_subset, e.body, '$body'));
  if (want.body_absent === true && e.body !== null && e.body !== undefined) errs.push(`expected no body, got ${short(e.body)}`);
  if (want.multipart) {
    const parts = e.body?.multipart ?? [];
    const part = (name) => parts.find((p) => p.name === name);
    for (const [name, value] of Object.entries(want.multipart.fields ?? {})) {
      const got = part(name)?.value;
      if (got !== plain(value)) errs.push(`multipart field ${name}: ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
    }
    for (const [name, file] of Object.entries(want.multipart.files ?? {})) {
      const p = part(name);
      const got = p && { filename: p.filename, content_type: p.content_type, size: p.size };
      if (!got || !holds(file, got) || !holds(got, file)) errs.push(`multipart file ${name}: ${JSON.stringify(got)}, expected ${JSON.stringify(file)}`);
    }
  }
  const auth = want.auth ?? 'bearer';
  if (!holds(AUTH[auth] ?? AUTH.bearer, e.auth)) errs.push(`auth ${JSON.stringify(e.auth)}, expected ${auth}`);
  return errs;
}

async function checkRequestLog(sc, seen, mock, baseline) {
  const entries = await mock.since(baseline);
  const want = sc.expect_request;
  const mine = entries.filter((e) => e.method === want.method && e.path === want.path);
  if (failedLocally(sc, seen)) return entries.length ? [`request log: the package rejected the call locally yet ${entries.length} requests reached the mock`] : [];
  const attempts = sc.expect.attempts ?? sc.paginate?.expect_pages ?? 1;
  if (mine.length !== attempts) {
    const logged = entries.map((e) => `${e.method} ${e.path} → ${e.status}`);
    return [`attempts: expected ${attempts} ${want.method} ${want.path}, the mock logged ${mine.length}: ${JSON.stringify(logged)}`];
  }
  const errs = [];
  mine.forEach((e, n) => errs.push(...oneRequest(want, e).map((m) => `request ${n + 1}: ${m}`)));
  const last = mine.at(-1);
  const e = seen.error;
  if (!e && last.status !== seen.status) errs.push(`request log: last status ${last.status}, the caller saw ${seen.status}`);
  if (e && !['timeout', 'connection', 'job_failed', 'job_expired'].includes(e.kind) && last.status !== e.status) errs.push(`request log: last status ${last.status}, the caller's error has ${e.status}`);
  if (want.stream) {
    const deadline = Date.now() + 2000;
    for (;;) {
      const record = (await mock.since(baseline)).find((x) => x.seq === last.seq)?.stream ?? null;
      const problems = subset(want.stream, record, '$stream');
      if (!problems.length) break;
      if (Date.now() > deadline) {
        errs.push(...problems.map((m) => `request log: ${m}`));
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  if (sc.paginate) {
    const cursorParam = sc.paginate.cursor_param ?? 'before';
    const cursorField = sc.paginate.cursor_field ?? 'next_cursor';
    mine.slice(1).forEach((entry, i) => {
      const previous = seen.pages[i]?.[cursorField];
      if (JSON.stringify(entry.query?.[cursorParam]) !== JSON.stringify([previous])) errs.push(`page ${i + 2}: ${cursorParam}=${JSON.stringify(entry.query?.[cursorParam])}, expected the previous ${cursorField}`);
    });
  }
  if (seen.job) {
    const polls = entries.filter((x) => x.method === 'GET' && x.path === `/v1/jobs/${seen.job.id}`);
    if (!polls.length || polls.some((x) => x.auth?.valid !== true)) errs.push(`request log: the job ${seen.job.id} was not polled with the key`);
  }
  return errs;
}

/** Runs one scenario against a freshly reset mock; its mismatches (none: it holds). */
export async function run(el, mock, raw) {
  await mock.reset();
  const url = new URL(mock.url);
  const vars = { mock_url: mock.url, mock_host: url.hostname, mock_port: url.port };
  try {
    await setup(el, mock, raw.setup, vars);
  } catch (e) {
    return [`setup: ${e.message}`];
  }
  const baseline = await mock.lastSeq();
  let sc;
  try {
    const { setup: _, ...rest } = raw;
    sc = substitute(rest, vars);
  } catch (e) {
    return [e.message];
  }
  let seen;
  try {
    seen = await execute(el, mock, sc);
  } catch (e) {
    return [`running: ${e.stack ?? e}`];
  }
  return [...checkOutcome(sc, seen), ...(await checkRequestLog(sc, seen, mock, baseline))];
}
