/* A published page (dashboard/publish.py): the map of its view, the kinds, the legend, the
   search and the member table, answered in the page with the dashboard's own filtering code
   (filters.js, window.carteFilters). No server, nothing fetched: the data is in the page, the
   base map in the folder's scripts (window.carteFonds). The view is chosen once, when the page
   opens, for the width of the map. */
(function () {
    'use strict';

    const f = window.carteFilters;
    const data = JSON.parse(document.getElementById('carte-donnees').textContent);
    const words = data.words;
    const gd = document.getElementById('carte');
    // The view laid out for the map's width: the widest it holds (a screen's, a website
    // column's, a phone's: France across, the legend under), at its height.
    const names = Object.keys(data.canvases).sort(function (a, b) {
        return data.canvases[b][0] - data.canvases[a][0];
    });
    const fits = names.find(function (name) {
        return data.canvases[name][0] <= gd.clientWidth * 1.05;
    }) || names[names.length - 1];
    const view = data.views[fits];
    gd.style.height = data.canvases[fits][1] + 'px';
    const boxes = document.querySelector('.types');
    const search = document.getElementById('recherche');
    const body = document.querySelector('#adherents tbody');
    const kindOf = {};
    words.kinds.forEach(function (k) { kindOf[k.id] = k; });

    // Embedded (?integre=1): no title or footer (the website's page has its own), and the
    // links between pages stay embedded.
    if (new URLSearchParams(window.location.search).get(data.embedParameter) === '1') {
        document.body.classList.add('integre');
        document.querySelectorAll('nav a').forEach(function (a) {
            a.setAttribute('href', a.getAttribute('href') + '?' + data.embedParameter + '=1');
        });
    }

    /* The base map's parts of the view: scripts of the folder (a page opened from the disk
       may not read a JSON file), named in the figure by their digest. */
    function basemapLoaded() {
        return Promise.all(view.basemap.map(function (src) {
            return new Promise(function (resolve, reject) {
                const script = document.createElement('script');
                script.src = src;
                script.onload = resolve;
                script.onerror = function () { reject(new Error('fond de carte : ' + src)); };
                document.head.appendChild(script);
            });
        })).then(function () {
            view.figure.data.forEach(function (trace) {
                if (typeof trace.geojson === 'string') {
                    trace.geojson = window.carteFonds[trace.geojson];
                }
            });
        });
    }

    const current = {view: view, query: '', year: null, column: null, drawn: null,
                     selected: null};
    const config = Object.assign({}, data.config, {   // publish.PLOTLY_CONFIG
        toImageButtonOptions: {format: 'png', filename: data.imageName}});
    const sort = {field: 'nom', ascending: true};

    function state() {
        return f.stateOf(data.region, f.tickedKinds(boxes), null, search.value, null, null, [],
                         words);
    }

    function cell(text, className) {
        const td = document.createElement('td');
        td.textContent = text === null || text === undefined ? '' : text;
        if (className) { td.className = className; }
        return td;
    }

    /* The table and the count for the filters (filters.js selectRows, description). */
    function showTable(now) {
        const rows = f.selectRows(data.rows, now, words).slice();
        const column = data.columns.find(function (c) { return c.field === sort.field; });
        // Empty cells last either way; numbers written in text (a list's own column) in order.
        const empty = function (v) { return v === null || v === undefined || v === ''; };
        rows.sort(function (a, b) {
            const x = a[sort.field];
            const y = b[sort.field];
            if (empty(x) || empty(y)) { return empty(x) - empty(y); }
            const order = column && column.numeric ? x - y
                : String(x).localeCompare(String(y), 'fr', {numeric: true});
            return sort.ascending ? order : -order;
        });
        const fragment = document.createDocumentFragment();
        rows.forEach(function (row) {
            const tr = document.createElement('tr');
            const symbol = cell(kindOf[row.kind].char, 'symbole');
            symbol.style.color = kindOf[row.kind].color;
            symbol.title = kindOf[row.kind].label;
            tr.appendChild(symbol);
            data.columns.forEach(function (c) {
                tr.appendChild(cell(c.numeric ? row[c.field + '_texte'] : row[c.field],
                                    c.numeric ? 'nombre' : ''));
            });
            fragment.appendChild(tr);
        });
        body.replaceChildren(fragment);
        document.getElementById('compte').textContent = f.description(rows, now, words);
        document.querySelectorAll('#adherents th[data-field]').forEach(function (th) {
            th.setAttribute('aria-sort', th.dataset.field !== sort.field ? 'none'
                : sort.ascending ? 'ascending' : 'descending');
        });
    }

    /* A kind ticked or unticked: the map changes in place, then the table. */
    function kindsChanged() {
        const now = state();
        if (gd.dataset.drawn) { f.showOnMap(gd, current, now.kinds, words); }
        showTable(now);
    }

    /* A search: the map drawn again with the members found (as the dashboard's). */
    function searched() {
        const now = state();
        current.query = now.query;
        if (gd.dataset.drawn) {   // (before, the first drawing is for the filters of its time)
            const figure = f.figureFor(view, now.kinds, now.query, null, null, null, words);
            window.Plotly.react(gd, figure.data, figure.layout, config);
        }
        showTable(now);
    }

    basemapLoaded().then(function () {
        const now = state();
        current.query = now.query;
        const first = f.figureFor(view, now.kinds, now.query, null, null, null, words);
        return window.Plotly.newPlot(gd, first.data, first.layout, config);
    }).then(function () {
        f.watchLegend(gd, words, function () { return f.tickedKinds(boxes); }, function (kinds) {
            boxes.querySelectorAll('input[type=checkbox]').forEach(function (box) {
                box.checked = kinds.indexOf(box.value) >= 0;
            });
            kindsChanged();
        }, function () { return null; });
        // For a reader (a test, the benchmarks) waiting for the map: drawn, and when.
        gd.dataset.drawn = 'oui';
        window.carteDrawnMs = window.performance.now();
    });
    boxes.addEventListener('change', kindsChanged);
    let typing = null;
    search.addEventListener('input', function () {
        clearTimeout(typing);
        typing = setTimeout(searched, 150);
    });
    document.querySelectorAll('#adherents th[data-field] button').forEach(function (button) {
        button.addEventListener('click', function () {
            const field = button.parentElement.dataset.field;
            sort.ascending = sort.field === field ? !sort.ascending : true;
            sort.field = field;
            showTable(state());
        });
    });
    showTable(state());
})();
