// SPDX-License-Identifier: ISC
// bootd's status page. Polls the JSON API (/api/, admin networks only)
// every 2 s and redraws in place: no reload, no framework, nothing from
// outside. Every string of the API is hostile input (host names come from
// the inventory, event details from peers): it reaches the DOM only as
// text (textContent, createTextNode, setAttribute of plain attributes),
// never as markup, and class names are built from fixed lists only.
// Layout: tabs, 80 columns at a tab width of 4.
'use strict';

(function () {
	const POLL_MS = 2000;
	const MAX_ROWS = 500;		// host rows drawn at once
	const MAX_EVENTS = 600;		// events kept per host
	const MAX_GUESTS = 32;		// guests of a dom0 followed
	const BOOTS_SHOWN = 3;		// boots drawn on the timeline
	const BOOT_GAP_MS = 30 * 60 * 1000; // a quiet gap ends a boot
	// Past this many hosts (/api/hosts is ~230 bytes a host, rendered in
	// one pass on bootd's loop) the table lists only what the state,
	// profile or search filters select, asked of the server; an answer
	// still this long is asked again only every LARGE_EVERY polls.
	let LARGE = 5000;
	const LARGE_EVERY = 15;
	const STATES = ['unseen', 'booting', 'installing', 'installed',
		'failed', 'stalled', 'disabled'];
	const ACTIVE = ['booting', 'installing', 'stalled'];
	const SVGNS = 'http://www.w3.org/2000/svg';

	const S = {
		status: null,		// /api/status
		hosts: [],		// /api/hosts .hosts
		disc: [],		// /api/discovered .discovered
		now: 0,			// the server's clock at fetch ...
		fetchedAt: 0,		// ... and ours then
		sort: { key: 'name', dir: 1 },
		f: { q: '', profile: '', group: '', state: '' },
		sel: null,		// the host shown in detail, see selectHost
		polls: 0,
		timer: 0,
		busy: false,
		qtimer: 0,
		largeSet: 0,		// #large=N given
		again: false,		// a filter changed during a poll
		large: false,		// server-side filters, see LARGE
		hostsKey: '',		// the query of S.hosts ...
		hostsAt: -1,		// ... and the poll that fetched it
		hostsBig: false,	// that answer held more than LARGE
		seen: { profile: new Set(), group: new Set() },
		tlWidth: 0
	};

	const $ = (id) => document.getElementById(id);

	// --- DOM helpers: text only -------------------------------------

	// el('td', {cls: 'x', text: 'y', data: {host: n}}, child...)
	function el(tag, o, ...kids) {
		const e = document.createElement(tag);
		if (o) {
			if (o.cls) e.className = o.cls;
			if (o.text !== undefined && o.text !== null)
				e.textContent = String(o.text);
			if (o.title) e.title = String(o.title);
			if (o.data) for (const k in o.data)
				e.dataset[k] = String(o.data[k]);
		}
		for (const k of kids)
			e.append(k instanceof Node ? k : String(k));
		return e;
	}

	// An SVG element; attribute values are numbers or plain text.
	function sv(tag, attrs, text) {
		const e = document.createElementNS(SVGNS, tag);
		if (attrs) for (const k in attrs)
			e.setAttribute(k, String(attrs[k]));
		if (text !== undefined) e.textContent = String(text);
		return e;
	}

	function stateCls(s) {
		return STATES.includes(s) ? 'st-' + s : 'st-unseen';
	}

	// --- formatting -------------------------------------------------

	const pad = (n, w) => String(n).padStart(w || 2, '0');

	function fmtTime(ms, withDate) {
		if (ms === null || ms === undefined) return '';
		const d = new Date(ms);
		const t = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' +
		    pad(d.getSeconds());
		if (!withDate) return t;
		return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' +
		    pad(d.getDate()) + ' ' + t;
	}

	function fmtMsTime(ms) {
		return fmtTime(ms) + '.' + pad(new Date(ms).getMilliseconds(), 3);
	}

	// A duration: "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min", "3 d 4 h".
	function fmtDur(ms) {
		if (!isFinite(ms)) return '';
		ms = Math.max(0, ms);
		if (ms < 1000) return Math.round(ms) + ' ms';
		const s = ms / 1000;
		if (s < 10) return s.toFixed(1) + ' s';
		if (s < 60) return Math.round(s) + ' s';
		const m = Math.floor(s / 60);
		if (m < 60) return m + ' min' + (m < 10 ? ' ' + Math.floor(s % 60) +
		    ' s' : '');
		const h = Math.floor(m / 60);
		if (h < 48) return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
		return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
	}

	function fmtBytes(n) {
		if (n < 1024) return n + ' B';
		const u = ['KiB', 'MiB', 'GiB', 'TiB'];
		let i = -1;
		do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
		return (n < 10 ? n.toFixed(1) : Math.round(n)) + ' ' + u[i];
	}

	// The server's clock now: its last answer plus our time since.
	function serverNow() {
		return S.now + (Date.now() - S.fetchedAt);
	}

	function ago(ms) {
		if (ms === null || ms === undefined) return '';
		return fmtDur(serverNow() - ms) + ' ago';
	}

	// --- the API ----------------------------------------------------

	async function api(path) {
		const r = await fetch(path, {
			cache: 'no-store',
			headers: { Accept: 'application/json' }
		});
		if (!r.ok) {
			const e = new Error(path + ': HTTP ' + r.status);
			e.status = r.status;
			throw e;
		}
		return r.json();
	}

	// The /api/hosts query this poll should make: "" for all of them,
	// null for none (a large inventory and no server-side filter).
	function hostsQuery() {
		if (!S.large) return '';
		const p = new URLSearchParams();
		for (const k of ['state', 'profile', 'q'])
			if (S.f[k]) p.set(k, S.f[k]);
		const q = p.toString();
		return q ? '?' + q : null;
	}

	async function poll() {
		if (S.busy) {		// one poll at a time
			S.again = true;
			return;
		}
		S.busy = true;
		S.again = false;
		clearTimeout(S.timer);
		try {
			const st = await api('/api/status');
			S.status = st;
			S.large = typeof st.hosts === 'number' && st.hosts > LARGE;
			const q = hostsQuery();
			const due = q !== S.hostsKey || !S.hostsBig ||
			    S.polls - S.hostsAt >= LARGE_EVERY;
			const [hs, dc] = await Promise.all([
				q !== null && due ? api('/api/hosts' + q) : null,
				api('/api/discovered')]);
			if (q === null) {
				S.hosts = [];
				S.hostsKey = null;
			} else if (hs) {
				S.hosts = Array.isArray(hs.hosts) ? hs.hosts : [];
				S.hostsKey = q;
				S.hostsAt = S.polls;
				S.hostsBig = S.hosts.length > LARGE;
				for (const h of S.hosts) {
					if (h.profile) S.seen.profile.add(h.profile);
					if (h.group) S.seen.group.add(h.group);
				}
			}
			S.disc = Array.isArray(dc.discovered) ? dc.discovered : [];
			S.now = typeof st.now === 'number' ? st.now : Date.now();
			S.fetchedAt = Date.now();
			if (S.sel) await pollHost();
			S.polls++;
			setLive('ok', 'live');
		} catch (e) {
			setLive('err', 'API unreachable: ' + e.message);
		}
		S.busy = false;
		render();
		if (S.again) {
			poll();
			return;
		}
		// A tab out of sight asks less often; back in sight, at once.
		S.timer = setTimeout(poll, document.hidden ? 5 * POLL_MS :
		    POLL_MS);
	}

	function setLive(kind, text) {
		const l = $('live');
		l.className = 'live live-' + kind;
		l.textContent = text;
		if (kind === 'ok') $('updated').textContent = 'Last update ' +
		    fmtTime(Date.now()) + '.';
	}

	// --- the selected host: its detail, events and guests' events ---

	function selectHost(name) {
		if (S.sel && S.sel.name === name) return;
		S.sel = name ? { name: name, detail: null, gen: -1, seq: -1,
			events: [], guests: new Map(), error: '' } : null;
		saveHash();
		if (name) pollHost().then(render, render);
		render();
		if (name) $('host-panel').scrollIntoView({ block: 'nearest' });
	}

	// Appends what is new since the last seq we hold.
	async function fetchEvents(name, box) {
		const path = '/api/hosts/' + encodeURIComponent(name) +
		    '/events' + (box.seq >= 0 ? '?after=' + box.seq : '');
		const r = await api(path);
		const evs = Array.isArray(r.events) ? r.events : [];
		for (const e of evs) {
			if (typeof e.seq === 'number' && e.seq <= box.seq) continue;
			box.events.push(e);
			if (typeof e.seq === 'number') box.seq = e.seq;
		}
		if (box.events.length > MAX_EVENTS)
			box.events.splice(0, box.events.length - MAX_EVENTS);
	}

	async function pollHost() {
		const sel = S.sel;
		if (!sel) return;
		const gen = S.status ? S.status.generation : 0;
		// Not asked again for a host bootd does not know until the
		// inventory changes (each 404 is a console error too).
		if (sel.gone === gen) return;
		try {
			// The host's row again when the inventory changed or the
			// table does not hold it (a large inventory's filters);
			// its events from it the first time, then only new ones.
			let first = false;
			if (!sel.detail || sel.gen !== gen || !hostRow(sel.name)) {
				const d = await api('/api/hosts/' +
				    encodeURIComponent(sel.name));
				if (S.sel !== sel) return;
				sel.detail = d;
				sel.gen = gen;
				if (sel.seq < 0 && Array.isArray(d.events)) {
					first = true;
					sel.events = d.events.slice(-MAX_EVENTS);
					for (const e of sel.events)
						if (typeof e.seq === 'number')
							sel.seq = Math.max(sel.seq, e.seq);
				}
			}
			if (!first) {
				const n = sel.events.length;
				await fetchEvents(sel.name, sel);
				// Nothing new, yet the host's row knows a later
				// event: bootd restarted and numbers events anew.
				const row = hostRow(sel.name) || sel.detail;
				const newest = n ? sel.events[n - 1].ms : -1;
				if (sel.events.length === n && row && row.last_ms &&
				    row.last_ms > newest + 1000) {
					sel.detail = null;
					sel.seq = -1;
					sel.events = [];
					sel.guests = new Map();
					return pollHost();
				}
			}
			const guests = Array.isArray(sel.detail.guests) ?
			    sel.detail.guests.slice(0, MAX_GUESTS) : [];
			for (const g of guests) {
				if (!sel.guests.has(g))
					sel.guests.set(g, { seq: -1, events: [] });
				await fetchEvents(g, sel.guests.get(g));
			}
			sel.error = '';
		} catch (e) {
			if (S.sel !== sel) return;
			sel.error = e.status === 404 ? 'no such host (any more)' :
			    e.message;
			if (e.status === 404) sel.gone = gen;
		}
	}

	// --- filters, sort, URL hash ------------------------------------

	function loadHash() {
		const p = new URLSearchParams(location.hash.slice(1));
		for (const k of ['q', 'profile', 'group', 'state'])
			S.f[k] = p.get(k) || '';
		const s = p.get('sort');
		if (s) S.sort = { key: s.replace(/^-/, ''), dir: s[0] === '-' ?
		    -1 : 1 };
		// #large=N: the LARGE threshold (to try the large mode).
		const n = parseInt(p.get('large') || '', 10);
		if (n > 0) {
			LARGE = n;
			S.largeSet = n;
		}
		const h = p.get('host');
		if (h) S.sel = { name: h, detail: null, gen: -1, seq: -1,
			events: [], guests: new Map(), error: '' };
	}

	function saveHash() {
		const p = new URLSearchParams();
		for (const k of ['q', 'profile', 'group', 'state'])
			if (S.f[k]) p.set(k, S.f[k]);
		if (S.sort.key !== 'name' || S.sort.dir !== 1)
			p.set('sort', (S.sort.dir < 0 ? '-' : '') + S.sort.key);
		if (S.sel) p.set('host', S.sel.name);
		if (S.largeSet) p.set('large', String(S.largeSet));
		const h = p.toString();
		// replaceState: no history entry, no reload, no scroll.
		history.replaceState(null, '', h ? '#' + h : location.pathname);
	}

	// A filter changed: a large inventory asks the server again.
	function refilter() {
		saveHash();
		render();
		if (S.large) {
			clearTimeout(S.qtimer);
			S.qtimer = setTimeout(poll, 250);
		}
	}

	function ipKey(ip) {
		const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip || '');
		return m ? ((+m[1] * 256 + +m[2]) * 256 + +m[3]) * 256 + +m[4] : -1;
	}

	function cmp(a, b, key) {
		let x = a[key], y = b[key];
		if (key === 'state') {
			x = STATES.indexOf(x);
			y = STATES.indexOf(y);
		} else if (key === 'ip') {
			x = ipKey(x);
			y = ipKey(y);
		} else if (key === 'last_ms' || key === 'build') {
			x = x === null || x === undefined ? -Infinity : +x;
			y = y === null || y === undefined ? -Infinity : +y;
		} else {
			x = x === null || x === undefined ? '' : String(x);
			y = y === null || y === undefined ? '' : String(y);
			return x.localeCompare(y, undefined, { numeric: true });
		}
		return x < y ? -1 : x > y ? 1 : 0;
	}

	function matches(h) {
		const f = S.f;
		if (f.state && h.state !== f.state) return false;
		if (f.profile && h.profile !== f.profile) return false;
		if (f.group && h.group !== f.group) return false;
		if (f.q) {
			const q = f.q.toLowerCase();
			if (![h.name, h.mac, h.ip, h.group].some((v) =>
			    typeof v === 'string' && v.toLowerCase().includes(q)))
				return false;
		}
		return true;
	}

	// Keeps a <select>'s options equal to values, and its choice.
	function fillSelect(sel, values, cur) {
		const want = [''].concat(values);
		const have = Array.from(sel.options).map((o) => o.value);
		if (have.length !== want.length ||
		    have.some((v, i) => v !== want[i])) {
			sel.replaceChildren(el('option', { text: 'any' }));
			sel.options[0].value = '';
			for (const v of values) {
				const o = el('option', { text: v });
				o.value = v;
				sel.append(o);
			}
		}
		sel.value = want.includes(cur) ? cur : '';
	}

	// --- rendering --------------------------------------------------

	function render() {
		renderServer();
		renderCounts();
		renderHosts();
		renderHost();
		renderDiscovered();
		renderRejected();
	}

	function renderServer() {
		const st = S.status;
		const dl = $('server');
		dl.replaceChildren();
		if (!st) return;
		$('version').textContent = st.version ? 'v' + st.version : '';
		const db = st.db || {};
		const item = (k, v, bad, title) => dl.append(el('div', null,
		    el('dt', { text: k }), el('dd', { text: v, cls: bad ?
			'bad' : '', title: title })));
		item('DB', db.state || '?', db.state !== 'up', db.why || '');
		item('serving from', st.source || '?', st.source !== 'db');
		item('generation', st.generation);
		item('snapshot age', fmtDur((st.snapshot_age_s || 0) * 1000));
		item('hosts', st.hosts);
		item('events queued', st.events_queued);
		if (st.events_dropped) item('dropped', st.events_dropped, true);
		if (db.why) item('why', db.why, true);
	}

	function renderCounts() {
		const nav = $('counts');
		const c = (S.status && S.status.counts) || {};
		if (nav.children.length !== STATES.length) {
			nav.replaceChildren();
			for (const s of STATES) {
				const b = el('button', { cls: 'count ' + stateCls(s),
					data: { state: s } }, el('b', { text: '0' }),
				    el('span', { text: s }));
				b.type = 'button';
				b.title = 'Show only ' + s + ' hosts';
				b.addEventListener('click', () => {
					S.f.state = S.f.state === s ? '' : s;
					refilter();
				});
				nav.append(b);
			}
		}
		for (const b of nav.children) {
			const s = b.dataset.state;
			const n = typeof c[s] === 'number' ? c[s] : 0;
			b.firstChild.textContent = String(n);
			b.classList.toggle('zero', n === 0);
			b.setAttribute('aria-pressed', String(S.f.state === s));
		}
	}

	function renderHosts() {
		// Every value seen (a large inventory lists only a part).
		for (const h of S.hosts) {
			if (h.profile) S.seen.profile.add(h.profile);
			if (h.group) S.seen.group.add(h.group);
		}
		const uniq = (k) => Array.from(S.seen[k]).filter((v) =>
		    typeof v === 'string').sort();
		fillSelect($('f-profile'), uniq('profile'), S.f.profile);
		fillSelect($('f-group'), uniq('group'), S.f.group);
		fillSelect($('f-state'), STATES, S.f.state);
		if (document.activeElement !== $('f-q')) $('f-q').value = S.f.q;

		for (const th of $('hosts').tHead.rows[0].cells) {
			const on = th.dataset.key === S.sort.key;
			if (on) th.setAttribute('aria-sort', S.sort.dir > 0 ?
			    'ascending' : 'descending');
			else th.removeAttribute('aria-sort');
		}
		const rows = S.hosts.filter(matches);
		const k = S.sort.key, d = S.sort.dir;
		rows.sort((a, b) => cmp(a, b, k) * d || cmp(a, b, 'name'));
		const tb = $('hosts').tBodies[0];
		const frag = document.createDocumentFragment();
		for (const h of rows.slice(0, MAX_ROWS)) {
			const tr = el('tr', { data: { host: h.name } },
			    el('td', { cls: 'name', text: h.name }),
			    el('td', { cls: 'opt mono', text: h.mac }),
			    el('td', { cls: 'opt2 mono', text: h.ip }),
			    el('td', { cls: 'opt2', text: h.profile }),
			    el('td', { cls: 'opt', text: h.kind }),
			    el('td', { cls: 'opt', text: h.build ? 'yes' : 'no' }),
			    el('td', { cls: 'state' }, el('span', {
				cls: 'st ' + stateCls(h.state), text: h.state })),
			    el('td', { cls: 'opt2 mono', text: h.last_stage || '' }),
			    el('td', { cls: 'when', text: ago(h.last_ms),
				title: h.last_ms ? fmtTime(h.last_ms, true) : '' }));
			if (S.sel && S.sel.name === h.name) tr.className = 'sel';
			tr.tabIndex = 0;
			frag.append(tr);
		}
		tb.replaceChildren(frag);
		const empty = $('hosts-empty');
		empty.hidden = rows.length > 0 && S.hostsKey !== null;
		empty.textContent = S.hostsKey === null ? (S.status ?
		    S.status.hosts : 0) + ' hosts: too many to list them all ' +
		    'every 2 s. Pick a state above, a profile, or search.' :
		    'No host matches.';
		const all = S.large && S.status ? S.status.hosts :
		    S.hosts.length;
		$('shown').textContent = rows.length === all ?
		    '(' + rows.length + ')' : '(' + rows.length + ' of ' + all +
		    (rows.length > MAX_ROWS ? ', first ' + MAX_ROWS + ' shown' :
		    '') + ')';
	}

	function hostRow(name) {
		return S.hosts.find((h) => h.name === name) || null;
	}

	function renderHost() {
		const sel = S.sel;
		$('host-panel').hidden = !sel;
		if (!sel) return;
		const h = hostRow(sel.name) || (sel.detail || {});
		const title = $('host-title');
		title.replaceChildren(el('span', { text: sel.name + ' ' }),
		    el('span', { cls: 'st ' + stateCls(h.state), text:
			h.state || '?' }));
		const dl = $('host-facts');
		dl.replaceChildren();
		const fact = (k, v) => {
			if (v === undefined || v === null || v === '') return;
			dl.append(el('dt', { text: k }), el('dd', { text: v }));
		};
		if (sel.error) fact('error', sel.error);
		const d = sel.detail || {};
		fact('MAC', h.mac);
		fact('IP', h.ip);
		fact('profile', h.profile + (h.kind ? ' (' + h.kind + ')' : ''));
		fact('build', h.build ? 'yes: installs at its next boot' : 'no');
		fact('enabled', h.enabled === 0 ? 'no' : 'yes');
		fact('group', h.group);
		fact('dom0', h.dom0);
		fact('last stage', h.last_stage ? h.last_stage + ', ' +
		    ago(h.last_ms) : '');
		fact('boot began', h.began_ms ? fmtTime(h.began_ms, true) +
		    ' (' + ago(h.began_ms) + ')' : '');
		if (Array.isArray(d.guests) && d.guests.length)
			fact('guests', d.guests.join(', '));
		if (d.bootfiles && typeof d.bootfiles === 'object')
			fact('boot files', Object.keys(d.bootfiles).map((k) =>
			    k + ': ' + d.bootfiles[k]).join(', '));
		if (d.vars && typeof d.vars === 'object') {
			const ks = Object.keys(d.vars).sort();
			if (ks.length) fact('variables', ks.map((k) => k + '=' +
			    d.vars[k]).join(', '));
		}
		renderTimeline(sel, h);
	}

	// --- the timeline -----------------------------------------------

	// The lane of an event: which part of bootd saw it.
	function laneOf(e) {
		if (e.guest) return 'guest';
		if (e.src === 'dhcp' || /^dhcp-/.test(e.stage)) return 'dhcp';
		if (e.src === 'tftp' || /^tftp-/.test(e.stage)) return 'tftp';
		if (/-served$/.test(e.stage) || /^(ipxe|menu)-/.test(e.stage))
			return 'http';
		return 'status';
	}
	const LANES = { dhcp: 'DHCP', tftp: 'TFTP', http: 'HTTP docs',
		status: 'Status' };
	const PHASES = { dhcp: 'DHCP', tftp: 'boot files', http: 'kickstart',
		status: 'installer', guest: 'guests' };

	const isDone = (s) => s === 'install-done' || s === 'firstboot-done' ||
	    s === 'guest-installed';
	const isFail = (s) => /-failed$/.test(s);

	// "name 1234 bytes 56 ms[: why]" of tftp-done / tftp-failed.
	function parseXfer(detail) {
		const m = /^(.*) (\d+) bytes (\d+) ms(?:: (.*))?$/.exec(detail ||
		    '');
		return m ? { name: m[1], bytes: +m[2], ms: +m[3], why: m[4] ||
			'' } : null;
	}

	// Splits events (oldest first) into boots: a new one at a DHCP ACK
	// after the last boot ended (done or failed), or after a quiet gap.
	function splitBoots(evs) {
		const boots = [];
		let cur = null;
		for (const e of evs) {
			const gap = cur && e.ms - cur.last > BOOT_GAP_MS;
			if (!cur || gap || (e.stage === 'dhcp-ack' && !e.guest &&
			    cur.ended)) {
				cur = { events: [], ended: false, last: e.ms };
				boots.push(cur);
			}
			cur.events.push(e);
			cur.last = Math.max(cur.last, e.ms);
			if (!e.guest && (isDone(e.stage) || isFail(e.stage)))
				cur.ended = true;
			else if (!e.guest && e.stage === 'dhcp-ack')
				cur.ended = false;
		}
		return boots;
	}

	function allEvents(sel) {
		const evs = sel.events.map((e) => Object.assign({}, e,
		    { host: sel.name }));
		for (const [g, box] of sel.guests)
			for (const e of box.events)
				evs.push(Object.assign({}, e, { host: g,
					guest: true }));
		return evs.filter((e) => typeof e.ms === 'number')
		    .sort((a, b) => a.ms - b.ms || (a.seq || 0) - (b.seq || 0));
	}

	// Tick spacing: the first step giving at most n ticks over span ms.
	function tickStep(span, n) {
		const steps = [100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4,
			12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 216e5, 432e5, 864e5];
		for (const s of steps) if (span / s <= n) return s;
		return Math.ceil(span / n / 864e5) * 864e5;
	}

	function fmtOffset(ms) {
		if (ms === 0) return '0';
		if (ms < 1000) return '+' + ms + ' ms';
		if (ms < 60000) return '+' + (ms / 1000) + ' s';
		if (ms < 3600000) return '+' + (ms / 60000) + ' min';
		return '+' + (ms / 3600000) + ' h';
	}

	function renderTimeline(sel, h) {
		const box = $('timeline');
		const tbody = $('events').tBodies[0];
		const evs = allEvents(sel);
		const boots = splitBoots(evs).slice(-BOOTS_SHOWN);
		box.replaceChildren();
		tbody.replaceChildren();
		if (!boots.length) {
			box.append(el('p', { cls: 'tl-empty', text: sel.detail ?
			    'No boot event recorded for this host since bootd ' +
			    'started.' : 'Loading…' }));
			return;
		}
		const W = Math.max(320, Math.round(box.clientWidth || 800));
		S.tlWidth = W;
		boots.forEach((b, i) => {
			const last = i === boots.length - 1;
			box.append(drawBoot(b, W, last ? h : null, i + 1 +
			    Math.max(0, splitBoots(evs).length - BOOTS_SHOWN)));
			eventRows(tbody, b);
		});
	}

	// One boot as a figure: caption, then an SVG with a phase row, one
	// lane per source (and per guest), TFTP transfers as bars with their
	// size and duration, and where it stopped or is waiting now.
	function drawBoot(b, W, h, no) {
		const evs = b.events;
		const narrow = W < 560;
		const L = narrow ? 64 : 92, R = 14, TOP = 4, PH = 20, LH = 24;
		const t0 = Math.min(...evs.map((e) => {
			const x = e.stage === 'tftp-done' || e.stage ===
			    'tftp-failed' ? parseXfer(e.detail) : null;
			return x ? e.ms - x.ms : e.ms;
		}));
		const lastMs = Math.max(...evs.map((e) => e.ms));
		const active = h && ACTIVE.includes(h.state);
		const t1 = active ? Math.max(lastMs, serverNow()) : lastMs;
		const span = Math.max(t1 - t0, 1000);
		const x = (t) => L + (t - t0) / span * (W - L - R);

		// Lanes: the fixed ones that have events, then each guest.
		const lanes = [];
		for (const k of Object.keys(LANES))
			if (evs.some((e) => laneOf(e) === k))
				lanes.push({ key: k, label: LANES[k] });
		const guests = Array.from(new Set(evs.filter((e) => e.guest)
		    .map((e) => e.host)));
		for (const g of guests)
			lanes.push({ key: 'guest', label: g, host: g });
		const laneIdx = (e) => lanes.findIndex((l) => e.guest ?
		    l.host === e.host : l.key === laneOf(e));

		const axisY = TOP + PH + 6 + lanes.length * LH + 4;
		const H = axisY + 18;
		const svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H,
			width: W, height: H, role: 'img', class: 'tl',
			'aria-label': 'timeline of boot ' + no });
		svg.dataset.boot = String(no);

		// Grid and axis, in offsets from the boot's first event.
		const step = tickStep(span, narrow ? 4 : 8);
		for (let t = 0; t <= span + 1; t += step) {
			svg.append(sv('line', { class: 'tl-grid', x1: x(t0 + t),
				x2: x(t0 + t), y1: TOP, y2: axisY }));
			svg.append(sv('text', { class: 'tl-tick', x: x(t0 + t),
				y: axisY + 13, 'text-anchor': t === 0 ? 'start' :
				'middle' }, fmtOffset(t)));
		}
		svg.append(sv('line', { class: 'tl-axis', x1: L, x2: W - R,
			y1: axisY, y2: axisY }));

		// Phases: from the first event of each kind to the next kind's
		// first (or the end), labelled with how long it took.
		const firsts = [];
		for (const e of evs) {
			const k = laneOf(e);
			if (!firsts.some((f) => f.k === k))
				firsts.push({ k: k, t: e.ms });
		}
		firsts.forEach((p, i) => {
			const end = i + 1 < firsts.length ? firsts[i + 1].t : t1;
			const x0 = x(p.t), x1 = Math.max(x(end), x0 + 2);
			const r = sv('rect', { class: 'tl-phase p-' + p.k, x: x0,
				y: TOP, width: x1 - x0, height: PH, rx: 3 });
			r.append(sv('title', null, PHASES[p.k] + ': ' +
			    fmtDur(end - p.t)));
			svg.append(r);
			const label = PHASES[p.k] + ' ' + fmtDur(end - p.t);
			if (label.length * 6.2 < x1 - x0 - 4)
				svg.append(sv('text', { class: 'tl-phaselabel',
					x: x0 + 4, y: TOP + 14 }, label));
		});

		// Lanes and their labels.
		lanes.forEach((l, i) => {
			const y = TOP + PH + 6 + i * LH;
			svg.append(sv('rect', { class: 'tl-lane', x: L, y: y + 2,
				width: W - L - R, height: LH - 4 }));
			const t = sv('text', { class: 'tl-lanelabel', x: 4,
				y: y + LH / 2 + 4 }, l.label.length > (narrow ? 9 :
				14) ? l.label.slice(0, narrow ? 8 : 13) + '…' :
				l.label);
			t.append(sv('title', null, l.label));
			svg.append(t);
		});

		// Events. Labels go where they fit, left to right per lane.
		// A tftp-start whose transfer ended is drawn as that bar.
		const ended = new Set();
		for (const e of evs) {
			if (e.stage === 'tftp-done' || e.stage === 'tftp-failed')
				ended.add(e.host + '\n' + (parseXfer(e.detail) ||
				    {}).name);
		}
		const isBar = (e) => e.stage === 'tftp-start' &&
		    ended.has(e.host + '\n' + e.detail);
		const nextFree = lanes.map(() => L);
		const marks = lanes.map(() => []);
		for (const e of evs) {
			const li = laneIdx(e);
			if (li >= 0 && !isBar(e)) marks[li].push(x(e.ms));
		}
		// A label goes where no other label or mark of its lane is:
		// after its mark (at x0), else before it (ending at xe).
		const label = (li, x0, xe, text, y, own) => {
			const w = text.length * 6;
			const free = (a) => a >= nextFree[li] && a >= L &&
			    a + w <= W - R && !marks[li].some((m) => m !== own &&
			    m > a - 4 && m < a + w + 4);
			const a = free(x0) ? x0 : free(xe - w) ? xe - w : null;
			if (a === null) return;
			svg.append(sv('text', { class: 'tl-label', x: a, y: y },
			    text));
			nextFree[li] = Math.max(nextFree[li], a + w + 8);
		};
		let prev = null;
		for (const e of evs) {
			const li = laneIdx(e);
			const y = TOP + PH + 6 + li * LH + LH / 2;
			const tip = fmtMsTime(e.ms) + '  +' + fmtDur(e.ms - t0) +
			    (prev ? ' (step ' + fmtDur(e.ms - prev.ms) + ')' : '') +
			    '\n' + (e.guest ? e.host + ': ' : '') + e.stage +
			    (e.detail ? '\n' + e.detail : '');
			prev = e;
			const xf = e.stage === 'tftp-done' || e.stage ===
			    'tftp-failed' ? parseXfer(e.detail) : null;
			let mark;
			if (xf) {
				const x0 = x(e.ms - xf.ms), x1 = x(e.ms);
				mark = sv('rect', { class: 'tl-xfer' +
					(e.stage === 'tftp-failed' ? ' bad' : ''),
					x: x0, y: y - 1, width: Math.max(3, x1 - x0),
					height: 9, rx: 2 });
				label(li, x0, x1, xf.name + ' ' + fmtBytes(xf.bytes) +
				    ' ' + fmtDur(xf.ms), y - 3, x1);
			} else if (isBar(e)) {
				continue;	// drawn as its transfer's bar
			} else if (e.stage === 'tftp-start') {
				// Still running (or never ended).
				const x0 = x(e.ms), x1 = h && ACTIVE.includes(h.state) ?
				    x(t1) : x0 + 3;
				mark = sv('rect', { class: 'tl-xfer running',
					x: x0, y: y - 1, width: Math.max(3, x1 - x0),
					height: 9, rx: 2 });
				label(li, x0, x0, e.detail || '', y - 3, x0);
			} else {
				const k = laneOf(e);
				mark = sv('circle', { class: 'tl-ev k-' + k +
					(isFail(e.stage) ? ' bad' : ''), cx: x(e.ms),
					cy: y, r: isDone(e.stage) ? 6.5 : 5 });
				label(li, x(e.ms) + 8, x(e.ms) - 8, e.stage, y + 4,
				    x(e.ms));
			}
			mark.dataset.stage = e.stage;
			mark.dataset.host = e.host;
			mark.append(sv('title', null, tip));
			svg.append(mark);
		}

		// Where it stands: the waiting time of a boot still going, or
		// the last step of one that failed or stalled.
		if (h && (h.state === 'stalled' || h.state === 'failed')) {
			const xs = x(lastMs);
			svg.append(sv('line', { class: 'tl-stop', x1: xs, x2: xs,
				y1: TOP, y2: axisY }));
			const t = 'stopped after ' + evs[evs.length - 1].stage;
			svg.append(sv('text', { class: 'tl-stoplabel', x: Math.min(xs
				+ 4, W - R - t.length * 6.4), y: axisY - 4 }, t));
		} else if (active && t1 > lastMs) {
			const xn = x(t1);
			svg.append(sv('line', { class: 'tl-now', x1: xn, x2: xn,
				y1: TOP, y2: axisY }));
			const t = 'now: waiting ' + fmtDur(t1 - lastMs);
			svg.append(sv('text', { class: 'tl-nowlabel', x: Math.max(L,
				xn - t.length * 6.2 - 4), y: axisY - 4 }, t));
		}

		const end = evs[evs.length - 1];
		const cap = 'Boot ' + no + ' · ' + fmtTime(evs[0].ms, true) +
		    ' · ' + fmtDur(lastMs - t0) + ' · ' + evs.length + ' event' +
		    (evs.length === 1 ? '' : 's') + ' · last: ' + end.stage +
		    (h && ACTIVE.includes(h.state) ? ' (' + h.state + ')' : '');
		return el('figure', null, el('figcaption', { text: cap }), svg);
	}

	function eventRows(tbody, b) {
		const evs = b.events;
		const t0 = evs[0].ms;
		let prev = null;
		for (const e of evs) {
			const tr = el('tr', { data: { stage: e.stage } },
			    el('td', { cls: 'mono', text: fmtMsTime(e.ms),
				title: fmtTime(e.ms, true) }),
			    el('td', { cls: 'opt2 num', text: fmtDur(e.ms - t0) }),
			    el('td', { cls: 'num', text: prev ? fmtDur(e.ms -
				prev.ms) : '' }),
			    el('td', { cls: 'opt', text: e.src || '' }),
			    el('td', { text: e.host }),
			    el('td', { cls: 'mono', text: e.stage }),
			    el('td', { cls: 'detail', text: e.detail || '' }));
			tbody.append(tr);
			prev = e;
		}
	}

	function renderDiscovered() {
		const tb = $('discovered').tBodies[0];
		const frag = document.createDocumentFragment();
		for (const d of S.disc.slice(0, MAX_ROWS)) {
			const arch = d.arch_name ? d.arch_name + (d.arch !== null &&
			    d.arch !== undefined ? ' (' + d.arch + ')' : '') :
			    d.arch !== null && d.arch !== undefined ?
			    String(d.arch) : '';
			frag.append(el('tr', null,
			    el('td', { cls: 'mono', text: d.mac }),
			    el('td', { text: arch }),
			    el('td', { text: fmtTime(d.first_ms, true) }),
			    el('td', { text: ago(d.last_ms), title:
				fmtTime(d.last_ms, true) }),
			    el('td', { cls: 'opt', text: d.vendor_class || '' }),
			    el('td', { cls: 'opt', text: d.relay || '' })));
		}
		tb.replaceChildren(frag);
		$('disc-n').textContent = '(' + S.disc.length + ')';
	}

	function renderRejected() {
		const st = S.status;
		const rej = st && Array.isArray(st.rejected) ? st.rejected : [];
		const more = st && st.rejected_more ? st.rejected_more : 0;
		const ul = $('rejected');
		ul.replaceChildren();
		for (const r of rej)
			ul.append(el('li', null, el('span', { cls: 'what',
			    text: r.what }), ': ', el('span', { text: r.why })));
		if (more) ul.append(el('li', { cls: 'muted', text: '… and ' +
		    more + ' more (bootd check lists them all)' }));
		$('rej-n').textContent = '(' + (rej.length + more) + ')';
		$('rej-none').hidden = rej.length + more > 0;
	}

	// --- events of the page -----------------------------------------

	function init() {
		loadHash();
		for (const th of $('hosts').tHead.rows[0].cells)
			th.addEventListener('click', () => {
				const k = th.dataset.key;
				S.sort = S.sort.key === k ? { key: k, dir:
				    -S.sort.dir } : { key: k, dir: k === 'last_ms' ?
				    -1 : 1 };
				saveHash();
				renderHosts();
			});
		const tb = $('hosts').tBodies[0];
		const pick = (ev) => {
			const tr = ev.target.closest('tr');
			if (tr && tr.dataset.host !== undefined)
				selectHost(tr.dataset.host);
		};
		tb.addEventListener('click', pick);
		tb.addEventListener('keydown', (ev) => {
			if (ev.key === 'Enter') pick(ev);
		});
		$('host-close').addEventListener('click', () => selectHost(null));
		$('f-q').addEventListener('input', () => {
			S.f.q = $('f-q').value.trim();
			refilter();
		});
		for (const k of ['profile', 'group', 'state'])
			$('f-' + k).addEventListener('change', () => {
				S.f[k] = $('f-' + k).value;
				refilter();
			});
		$('filters').addEventListener('reset', (ev) => {
			ev.preventDefault();
			S.f = { q: '', profile: '', group: '', state: '' };
			$('f-q').value = '';
			refilter();
		});
		$('filters').addEventListener('submit', (ev) =>
		    ev.preventDefault());
		let rt = 0;
		window.addEventListener('resize', () => {
			clearTimeout(rt);
			rt = setTimeout(() => {
				if (S.sel && Math.abs($('timeline').clientWidth -
				    S.tlWidth) > 8) renderHost();
			}, 150);
		});
		document.addEventListener('visibilitychange', () => {
			if (!document.hidden) poll();
		});
		render();
		poll();
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
