/**
 * The IDE's client code, plain ES2020 run by the browser. It talks to the
 * page's own origin only: POST /graphql for queries and mutations, the
 * graphql-transport-ws protocol on /graphql for subscriptions. The token and
 * the last query live in localStorage. Schema strings are inserted with
 * textContent, never as HTML.
 */
export const IDE_SCRIPT = `
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var store = window.localStorage;
  var fields = { token: $('token'), query: $('query'), variables: $('variables'), headers: $('headers') };
  var DEFAULT_QUERY = '# Ctrl+Enter runs the query. Subscriptions stream over WebSocket.\\nquery Whoami {\\n  whoami { tenant scopes tokenId }\\n}\\n';
  fields.token.value = store.getItem('courtship.token') || '';
  fields.query.value = store.getItem('courtship.query') || DEFAULT_QUERY;
  fields.variables.value = store.getItem('courtship.variables') || '{}';
  fields.headers.value = store.getItem('courtship.headers') || '{}';
  Object.keys(fields).forEach(function (name) {
    fields[name].addEventListener('input', function () { store.setItem('courtship.' + name, fields[name].value); });
  });
  fields.token.addEventListener('change', loadSchema);

  var socket = null;
  function setStatus(text, kind) { var s = $('status'); s.textContent = text; s.className = kind || ''; }
  function show(value) { $('result').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2); }
  function parseJson(text, what) {
    if (!text.trim()) return {};
    try { return JSON.parse(text); } catch (e) { throw new Error(what + ' are not valid JSON: ' + e.message); }
  }
  function authorization() { var t = fields.token.value.trim(); return t ? 'Bearer ' + t : ''; }
  function requestHeaders() {
    var headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    var extra = parseJson(fields.headers.value, 'Headers');
    Object.keys(extra).forEach(function (k) { headers[k.toLowerCase()] = String(extra[k]); });
    if (authorization() && !headers.authorization) headers.authorization = authorization();
    return headers;
  }
  function isSubscription(query) {
    var code = query.replace(/#[^\\n]*/g, '');
    return /^\\s*subscription\\b/.test(code);
  }

  function post(body) {
    return fetch(window.location.pathname, { method: 'POST', headers: requestHeaders(), body: JSON.stringify(body) })
      .then(function (res) { return res.text().then(function (text) {
        var json; try { json = JSON.parse(text); } catch (e) { json = text; }
        return { status: res.status, body: json };
      }); });
  }

  function run() {
    stop();
    var body;
    try { body = { query: fields.query.value, variables: parseJson(fields.variables.value, 'Variables') }; }
    catch (e) { setStatus(e.message, 'error'); return; }
    if (isSubscription(body.query)) return subscribe(body);
    var started = performance.now();
    setStatus('running…');
    post(body).then(function (r) {
      var ms = Math.round(performance.now() - started);
      var failed = r.status >= 400 || (r.body && r.body.errors);
      setStatus('HTTP ' + r.status + ' in ' + ms + ' ms', failed ? 'error' : 'ok');
      show(r.body);
    }).catch(function (e) { setStatus('request failed: ' + e.message, 'error'); });
  }

  function subscribe(body) {
    var url = (window.location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + window.location.host + window.location.pathname;
    var events = [];
    socket = new WebSocket(url, 'graphql-transport-ws');
    $('stop').disabled = false;
    setStatus('connecting…');
    socket.onopen = function () { socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: authorization() } })); };
    socket.onmessage = function (message) {
      var m = JSON.parse(message.data);
      if (m.type === 'connection_ack') {
        setStatus('subscribed; waiting for events…', 'ok');
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: body }));
      } else if (m.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (m.type === 'next') {
        events.unshift(m.payload);
        setStatus(events.length + ' event(s) received', 'ok');
        show(events);
      } else if (m.type === 'error') {
        setStatus('subscription refused', 'error');
        show(m.payload);
      } else if (m.type === 'complete') {
        setStatus('subscription completed after ' + events.length + ' event(s)');
      }
    };
    socket.onclose = function (event) {
      if (event.code !== 1000) setStatus('socket closed: ' + event.code + ' ' + (event.reason || ''), event.code >= 4000 ? 'error' : '');
      $('stop').disabled = true;
      socket = null;
    };
  }

  function stop() {
    if (socket) { socket.close(1000, 'stopped'); socket = null; setStatus('stopped'); }
    $('stop').disabled = true;
  }

  var TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
  var INTROSPECTION = 'query IdeSchema { __schema { queryType { name } mutationType { name } subscriptionType { name } ' +
    'types { kind name description fields { name description args { name description defaultValue type { ' + TYPE_REF + ' } } ' +
    'type { ' + TYPE_REF + ' } } inputFields { name description defaultValue type { ' + TYPE_REF + ' } } enumValues { name description } } } }';
  var schema = null;
  var history = [];

  function loadSchema() {
    var docs = $('docs');
    docs.textContent = 'loading schema…';
    var headers;
    try { headers = requestHeaders(); } catch (e) { docs.textContent = e.message; return; }
    fetch(window.location.pathname, { method: 'POST', headers: headers, body: JSON.stringify({ query: INTROSPECTION }) })
      .then(function (res) { return res.json(); })
      .then(function (json) {
        if (!json.data) {
          docs.textContent = 'Schema unavailable: ' + (json.errors && json.errors[0] ? json.errors[0].message : 'no data') +
            (authorization() ? '' : ' (paste a token above)');
          return;
        }
        schema = json.data.__schema;
        history = [];
        showRoot();
      })
      .catch(function (e) { docs.textContent = 'Schema unavailable: ' + e.message; });
  }

  function typeByName(name) { return schema.types.filter(function (t) { return t.name === name; })[0]; }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function typeLink(ref) {
    var span = el('code');
    if (ref.kind === 'NON_NULL') { span.appendChild(typeLink(ref.ofType)); span.appendChild(document.createTextNode('!')); return span; }
    if (ref.kind === 'LIST') {
      span.appendChild(document.createTextNode('['));
      span.appendChild(typeLink(ref.ofType));
      span.appendChild(document.createTextNode(']'));
      return span;
    }
    var a = el('a', '', ref.name);
    a.addEventListener('click', function () { showType(ref.name); });
    span.appendChild(a);
    return span;
  }
  function fieldItem(field, filter) {
    if (filter && field.name.toLowerCase().indexOf(filter) < 0) return null;
    var li = el('li');
    li.appendChild(el('code', '', field.name));
    if (field.args && field.args.length) {
      li.appendChild(document.createTextNode('('));
      field.args.forEach(function (arg, i) {
        if (i) li.appendChild(document.createTextNode(', '));
        li.appendChild(el('code', '', arg.name + ': '));
        li.appendChild(typeLink(arg.type));
        if (arg.defaultValue !== null) li.appendChild(el('code', '', ' = ' + arg.defaultValue));
      });
      li.appendChild(document.createTextNode(')'));
    }
    li.appendChild(document.createTextNode(': '));
    li.appendChild(typeLink(field.type));
    if (field.description) li.appendChild(el('span', 'desc', field.description));
    return li;
  }
  function render(title, description, items, back) {
    var docs = $('docs');
    docs.textContent = '';
    if (back) {
      var a = el('a', '', '← back');
      a.addEventListener('click', function () { history.pop(); var prev = history.pop(); prev ? showType(prev) : showRoot(); });
      docs.appendChild(a);
    }
    docs.appendChild(el('h3', '', title));
    if (description) docs.appendChild(el('p', '', description));
    var list = el('ul');
    items.forEach(function (item) { if (item) list.appendChild(item); });
    docs.appendChild(list);
  }
  function showRoot() {
    var filter = $('search').value.trim().toLowerCase();
    var docs = $('docs');
    docs.textContent = '';
    [['Queries', schema.queryType], ['Mutations', schema.mutationType], ['Subscriptions', schema.subscriptionType]].forEach(function (root) {
      if (!root[1]) return;
      var type = typeByName(root[1].name);
      docs.appendChild(el('h3', '', root[0]));
      var list = el('ul');
      type.fields.forEach(function (f) { var item = fieldItem(f, filter); if (item) list.appendChild(item); });
      docs.appendChild(list);
    });
  }
  function showType(name) {
    var type = typeByName(name);
    if (!type) return;
    history.push(name);
    var items = [];
    (type.fields || type.inputFields || []).forEach(function (f) { items.push(fieldItem(f, '')); });
    (type.enumValues || []).forEach(function (v) {
      var li = el('li'); li.appendChild(el('code', '', v.name));
      if (v.description) li.appendChild(el('span', 'desc', v.description));
      items.push(li);
    });
    render(type.kind.toLowerCase() + ' ' + type.name, type.description, items, true);
  }

  $('run').addEventListener('click', run);
  $('stop').addEventListener('click', stop);
  $('search').addEventListener('input', function () { if (schema) { history = []; showRoot(); } });
  document.addEventListener('keydown', function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') { event.preventDefault(); run(); }
  });
  fields.query.addEventListener('keydown', function (event) {
    if (event.key !== 'Tab') return;
    event.preventDefault();
    var t = event.target, start = t.selectionStart;
    t.value = t.value.slice(0, start) + '  ' + t.value.slice(t.selectionEnd);
    t.selectionStart = t.selectionEnd = start + 2;
  });
  loadSchema();
})();
`;
