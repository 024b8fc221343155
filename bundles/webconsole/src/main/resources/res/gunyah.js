// The Gunyah page: repaints the tables from state.json every second and sends the page's actions.
(function () {
  'use strict';
  var root = document.getElementById('gunyah');
  // Absolute, from the origin: a page opened as http://user:password@host/... would otherwise make
  // fetch() refuse the relative URLs, which inherit the credentials.
  var base = window.location.origin + root.getAttribute('data-base');
  var message = document.getElementById('gunyah-message');

  function say(text, isError) {
    message.textContent = text;
    message.className = isError ? 'statline ui-state-error' : 'statline';
    message.setAttribute('data-kind', isError ? 'error' : 'ok');
  }

  function cell(tr, text) {
    var td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function button(td, label, type, force) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('data-type', type);
    b.setAttribute('data-force', force ? 'true' : 'false');
    b.className = force ? 'gunyah-force-undeploy' : 'gunyah-undeploy';
    td.appendChild(b);
    td.appendChild(document.createTextNode(' '));
  }

  function paint(id, rows, withActions) {
    var body = document.querySelector('#' + id + ' tbody');
    var fresh = document.createElement('tbody');
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      row.forEach(function (text) { cell(tr, text); });
      if (withActions) {
        var td = cell(tr, '');
        if (row[4] !== 'REFUSED') {
          button(td, 'Undeploy', row[1], false);
          if (row[5] !== '0') { button(td, 'Force undeploy', row[1], true); }
        }
      }
      fresh.appendChild(tr);
    });
    body.parentNode.replaceChild(fresh, body);
  }

  var last = '';

  // Repaints only what changed, so that a button is not replaced under the pointer every second.
  function refresh() {
    fetch(base + '/state.json', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        if (text === last) { return; }
        last = text;
        var state = JSON.parse(text);
        paint('gunyah-functions', state.functions, true);
        paint('gunyah-vms', state.vms, false);
        paint('gunyah-devices', state.devices, false);
        document.getElementById('gunyah-device-models').textContent = state.deviceModels;
      })
      .catch(function () { /* the next poll tries again */ });
  }

  function answer(response) {
    return response.json().then(function (body) {
      if (body.error) { say(body.error, true); } else { say(body.message, false); }
      refresh();
    });
  }

  document.getElementById('gunyah-functions').addEventListener('click', function (e) {
    var b = e.target.closest('button[data-type]');
    if (!b) { return; }
    var form = new URLSearchParams();
    form.set('type', b.getAttribute('data-type'));
    form.set('force', b.getAttribute('data-force'));
    fetch(base + '/undeploy.json', { method: 'POST', credentials: 'same-origin', body: form })
      .then(answer)
      .catch(function (err) { say('undeploy failed: ' + err, true); });
  });

  document.getElementById('gunyah-deploy').addEventListener('submit', function (e) {
    e.preventDefault();
    var input = document.getElementById('gunyah-jar');
    if (!input.files.length) { say('choose a bundle .jar first', true); return; }
    var file = input.files[0];
    fetch(base + '/deploy.json', {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { 'Content-Type': 'application/java-archive', 'X-File-Name': file.name }
    }).then(answer).catch(function (err) { say('deploy failed: ' + err, true); });
  });

  refresh();
  setInterval(refresh, 1000);
}());
