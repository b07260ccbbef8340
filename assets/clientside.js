/* Whether a menu offers all these values (options: [{label, value}] or labels). */
function offered(values, options) {
    const offers = (options || []).map(function (o) {
        return o && o.value !== undefined ? o.value : o;
    });
    return values.every(function (v) { return v === null || offers.indexOf(v) >= 0; });
}

/* The classes of the column the view's colours say (another's, while its view comes: none). */
function classesOf(colouring, view) {
    return colouring && view && colouring.header === view.colourBy ? colouring : null;
}

/* The kinds ticked in the filters. */
function tickedKinds() {
    return window.carteFilters.tickedKinds(document.getElementById('filter-kinds'));
}

/* Once per map: a legend click changes the kinds through the checkboxes (so the table, the
   URL and the counts follow: carteFilters.watchLegend); a checkbox clicked changes the map
   at once, in the click itself, before Dash's callbacks (the table, the URL) run: the
   showKinds callback then finds nothing to do. */
function watchMap(words) {
    const gd = document.querySelector('#map .js-plotly-plot');
    if (!gd || !gd.on) {   // not drawn yet: after this figure
        setTimeout(function () { watchMap(words); }, 100);
        return;
    }
    if (gd._carteWatched) { return; }
    gd._carteWatched = true;
    const f = window.carteFilters;
    f.watchLegend(gd, words, tickedKinds, function (kinds) {
        window.dash_clientside.set_props('filter-kinds', {value: kinds});
    }, function () { return window.carteView && window.carteView.column; });
    const boxes = document.getElementById('filter-kinds');
    if (boxes) {
        boxes.addEventListener('change', function () {
            const current = window.carteView;
            if (!current) { return; }
            const state = f.stateOf(null, tickedKinds(), null, current.query, current.year,
                                    null, [], words);
            f.showOnMap(gd, current, state.kinds, words);
        });
    }
}

/* Once per page: a value clicked in the picker of the values kept changes the map at once,
   in the click itself, before Dash's callbacks (the menu, the table, the URL) run, as a
   kind's checkbox does; showValues then finds nothing to do. (The keyboard and the menu's
   other buttons go the Dash way, a little later.) */
function watchValuePicker(words) {
    if (watchValuePicker.watching) { return; }
    watchValuePicker.watching = true;
    let last = null;   // a click on an option's label also clicks its checkbox: one toggle
    document.addEventListener('click', function (event) {
        const option = event.target.closest && event.target.closest('.dash-dropdown-option');
        const picker = document.getElementById('filter-values');
        const menu = picker && document.getElementById(picker.getAttribute('aria-controls'));
        const box = option && option.querySelector('input');
        const current = window.carteView;
        const gd = document.querySelector('#map .js-plotly-plot');
        if (!box || !menu || !menu.contains(option) || !current || !current.classes ||
                !gd || !gd.data) { return; }
        const value = box.value;
        if (last && last.value === value && event.timeStamp - last.at < 100) { return; }
        last = {value: value, at: event.timeStamp};
        const before = current.column ? current.column.values : [];
        const values = before.indexOf(value) >= 0
            ? before.filter(function (v) { return v !== value; }) : before.concat([value]);
        const f = window.carteFilters;
        const state = f.stateOf(null, tickedKinds(), null, '', null, null, values, words);
        current.column = f.columnFilter(current.classes, state.values);
        f.showOnMap(gd, current, state.kinds, words);
    }, true);
}

/* Callbacks run in the browser, called from Python through ClientsideFunction("carte", ...)
   (see dashboard/callbacks). Their messages come from the server (the upload limit store). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    carte: {
        /* The filters and the URL kept in agreement, whichever changed (a shared link,
           back and forward, a filter, the reset button). Returns the URL's search, région,
           kinds, département, search text, the département's options, the year, the column
           colouring the members and its values kept (list: the list's rows and years, or null
           before they come; colouring: the classes of the column). */
        syncFilters: function (search, region, kinds, departement, query, year, colourBy,
                               values, _reset, words, list, colouring, columns, valueOptions) {
            const none = window.dash_clientside.no_update;
            const f = window.carteFilters;
            const triggered = (window.dash_clientside.callback_context.triggered || [])
                .map(function (t) { return t.prop_id.split('.')[0]; });
            if (triggered.indexOf('filter-reset') >= 0) {
                const now = f.stateOf(region, kinds, departement, query, year, colourBy, values,
                                      words);
                const last = list && list.years ? list.years.last : null;
                return ['', now.region ? words.allRegions : none,
                        words.kinds.map(function (k) { return k.id; }),
                        now.departement ? null : none, '',
                        now.region ? f.departementOptions(null, words) : none,
                        now.year !== last ? last : none,   // "toutes", or none to slide
                        now.colourBy ? null : none, now.values.length ? [] : none];
            }
            if (!triggered.length || triggered.indexOf('url') >= 0 || triggered[0] === '') {
                // Only what differs is set: the same région set again would ask for its view.
                const state = f.fromSearch(search, words);
                const now = f.stateOf(region, kinds, departement, query, year, colourBy, values,
                                      words);
                // A link without a year shows every member: the slider at its last stop
                // (no stop: no year).
                const wantedYear = state.year !== null ? state.year
                    : list && list.years ? list.years.last : null;
                const same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
                return [none, same(state.region, now.region) ? none
                        : state.region || words.allRegions,
                        same(state.kinds, now.kinds) ? none : state.kinds,
                        same(state.departement, now.departement) ? none : state.departement,
                        same(state.query, now.query) ? none : state.query,
                        same(state.region, now.region) && triggered.length ? none
                        : f.departementOptions(state.region, words),
                        same(wantedYear, now.year) ? none : wantedYear,
                        // A column and values the menus do not offer yet would be cleared by
                        // them: the list's callbacks set them with their options.
                        same(state.colourBy, now.colourBy) || !offered([state.colourBy], columns)
                            ? none : state.colourBy,
                        same(state.values, now.values) || !same(state.colourBy, now.colourBy) ||
                            !offered(state.values, valueOptions) ? none : state.values];
            }
            const state = f.stateOf(region, kinds, departement, query, year, colourBy, values,
                                    words);
            // "toutes" leaves the URL; a list without years (or not come yet) keeps the
            // link's year for the list that will have them.
            if (list && list.years) { state.year = f.yearInEffect(state.year, list.years); }
            if (triggered.indexOf('filter-region') >= 0 && !state.region) {
                state.departement = null;   // « France entière »: no département of it
            }
            // Another column than the link's: its values were those of the column before. The
            // link's column, its classes not come yet: the link keeps its values, which come
            // with the menu's options (callbacks.members).
            const linked = f.fromSearch(search, words);
            if (!state.colourBy && linked.colourBy && !offered([linked.colourBy], columns)) {
                state.colourBy = linked.colourBy;   // the list, with its columns, not come yet
            }
            const columnChanged = triggered.indexOf('filter-colour-by') >= 0 &&
                state.colourBy !== linked.colourBy;
            if (columnChanged || !state.colourBy) {
                state.values = [];
            } else if (state.colourBy === linked.colourBy &&
                       !(colouring && colouring.header === state.colourBy)) {
                state.values = linked.values;
            }
            // Values kept: the map answers now, before Dash's other callbacks (as a kind's
            // checkbox answers in its click); showValues then finds nothing to do.
            if (triggered.indexOf('filter-values') >= 0) {
                window.dash_clientside.carte.showValues(values, colouring, kinds, words);
            }
            const wanted = f.toSearch(state, words);
            const regionChanged = triggered.indexOf('filter-region') >= 0;
            return [wanted !== (search || '') ? wanted : none, none, none,
                    regionChanged ? state.departement : none, none,
                    regionChanged ? f.departementOptions(state.region, words) : none, none, none,
                    columnChanged && values && values.length ? [] : none];
        },

        /* The map of the view the server sent, for the search and the member selected; the
           kinds unticked are hidden (see carteFilters.figureFor). A click on a legend entry
           ticks or unticks its kind (a double click keeps it alone), in the browser. */
        drawMap: function (view, query, selected, year, colouring, values, kinds, words) {
            if (!view) { return window.dash_clientside.no_update; }
            const f = window.carteFilters;
            const state = f.stateOf(null, kinds, null, query, year, null, values, words);
            const column = f.columnFilter(classesOf(colouring, view), state.values);
            // column: the values kept now; drawn: those the map was drawn for.
            window.carteView = {view: view, query: state.query, year: state.year,
                                classes: classesOf(colouring, view), column: column,
                                drawn: column, selected: selected};
            watchMap(words);
            watchValuePicker(words);
            return f.figureFor(view, state.kinds, state.query, selected, state.year, column,
                               words);
        },

        /* The prospects' filters or the year changed: the "Non adhérentes" map is drawn
           again (its non-members depend on them; a new view or list draws it anyway), and
           their table is filled again, also for a new view or list, when it is open (or when
           it opens); nothing else needs the server. Returns the counters [map, table]. */
        prospectsAsked: function (_kinds, _least, _year, _region, _departement, _list, mode) {
            const none = window.dash_clientside.no_update;
            const carte = window.dash_clientside.carte;
            const viewChanged = (window.dash_clientside.callback_context.triggered || [])
                .some(function (t) {
                    return /^(filter-region|filter-departement|members-store)\./.test(t.prop_id);
                });
            const box = document.querySelector('.prospects-box');
            carte.asked = (carte.asked || 0) + 1;
            if (!carte.watchingProspects) {   // the table opened: filled for the filters now
                carte.watchingProspects = true;
                document.addEventListener('toggle', function (event) {
                    if (event.target.classList && event.target.classList.contains(
                            'prospects-box') && event.target.open) {
                        carte.asked += 1;
                        window.dash_clientside.set_props('prospects-table-asked',
                                                         {data: carte.asked});
                    }
                }, true);
            }
            return [mode === 'prospects' && !viewChanged ? carte.asked : none,
                    box && box.open ? carte.asked : none];
        },

        /* A kind ticked or unticked: the map drawn changes in place (no new figure). */
        showKinds: function (kinds, words) {
            const gd = document.querySelector('#map .js-plotly-plot');
            const current = window.carteView;
            if (gd && gd.data && current) {
                const state = window.carteFilters.stateOf(null, kinds, null, current.query,
                                                          current.year, null, [], words);
                window.carteFilters.showOnMap(gd, current, state.kinds, words);
            }
            return window.dash_clientside.no_update;
        },

        /* Values of the column kept: the map drawn changes in place, as for a kind. */
        showValues: function (values, colouring, kinds, words) {
            const gd = document.querySelector('#map .js-plotly-plot');
            const current = window.carteView;
            if (gd && gd.data && current) {
                const f = window.carteFilters;
                const state = f.stateOf(null, kinds, null, '', null, null, values, words);
                current.column = f.columnFilter(classesOf(colouring, current.view),
                                                state.values);
                window.carteFilters.showOnMap(gd, current, state.kinds, words);
            }
            return window.dash_clientside.no_update;
        },

        /* The table, the header counts and the population covered, the map's text
           alternative and the words an export would write, for the filters: from the rows
           of the list and its coverage groups, sent once, and the classes of the column
           colouring the members (colouring, or null). */
        filterTable: function (list, region, kinds, departement, query, year, colourBy, values,
                               colouring, exportCoverage, words) {
            const f = window.carteFilters;
            if (!list) { return Array(7).fill(window.dash_clientside.no_update); }
            const table = function () {
                const state = f.stateOf(region, kinds, departement, query, year, colourBy,
                                        values, words);
                state.year = f.yearInEffect(state.year, list.years);
                // The classes of the column chosen (another's, while they come: none).
                const classes = colouring && colouring.header === state.colourBy
                    ? colouring : null;
                state.column = f.columnFilter(classes, state.values);
                const rows = f.colouredRows(f.selectRows(list.rows, state, words), classes);
                const coverage = f.viewCoverage(list, state, words);
                let subtitle = f.subtitle(rows.length, state.kinds, state.query, list.sample,
                                          state.year, state.column, words);
                if (Array.isArray(exportCoverage) && exportCoverage.length) {
                    subtitle += ' — ' + f.coveragePhrase(coverage.covered, coverage.population);
                }
                return [rows, f.headerCounts(rows, words).concat(
                            [f.coverageBadge(coverage, state, words)]),
                        f.description(rows, state, words),
                        f.mapTitle(state.region, state.departement, words), subtitle,
                        words.source, f.coverageTable(coverage, state, words)];
            };
            // Worked out once the map's next frame is drawn: the map answers the filter first
            // (a value kept reaches the map after this callback is called, in the same frame).
            return new Promise(function (resolve) {
                window.requestAnimationFrame(function () {
                    window.requestAnimationFrame(function () {
                        setTimeout(function () { resolve(table()); }, 0);
                    });
                });
            });
        },

        /* A member clicked on the map is selected in the table (its row number). */
        mapClick: function (click) {
            const point = click && click.points && click.points[0];
            let row = point ? point.customdata : undefined;
            row = Array.isArray(row) ? row[0] : row;
            if (row === undefined || row === null || isNaN(parseInt(row, 10))) {
                return window.dash_clientside.no_update;
            }
            return {ids: [String(parseInt(row, 10))]};
        },

        /* The member selected in the table (its row number; null: none). */
        selectedRow: function (rows) {
            const row = rows && rows[0] ? parseInt(rows[0].row, 10) : NaN;
            return isNaN(row) ? null : row;
        },

        /* The map's size in the page ([width, height], px), sent again after a resize: the
           server draws a région view to fill it and places the names for it. */
        mapSize: function () {
            if (window._carteMapObserver) { return window.dash_clientside.no_update; }
            let last = null;
            let timer = null;
            const send = function () {
                const map = document.getElementById('map');
                if (!map) { return; }
                const size = [Math.round(map.clientWidth), Math.round(map.clientHeight)];
                // Small changes (a scroll bar appearing) do not redraw the map.
                if (size[0] && size[1] && (!last || Math.abs(size[0] - last[0]) > 24
                                           || Math.abs(size[1] - last[1]) > 24)) {
                    last = size;
                    window.dash_clientside.set_props('map-size', {data: size});
                }
            };
            // The figure around the graph: the graph itself is drawn anew while it loads.
            const watch = function () {
                const figure = document.querySelector('.map-figure');
                if (!figure) { setTimeout(watch, 200); return; }   // not in the page yet
                window._carteMapObserver = new ResizeObserver(function () {
                    clearTimeout(timer);
                    // The first size at once (the map waits for it), later ones once the
                    // window has stopped moving.
                    timer = setTimeout(send, last ? 200 : 0);
                });
                window._carteMapObserver.observe(figure);
            };
            watch();
            return window.dash_clientside.no_update;
        },

        /* The toolbar's camera button makes the export of the panel (same format, size,
           texts and file name as its button) instead of plotly.js's own screenshot.
           title: the camera button's title (dashboard.plotly_fr.CAMERA_TITLE). */
        cameraExport: function (_path, title) {
            if (window._carteCamera) { return window.dash_clientside.no_update; }
            window._carteCamera = true;
            document.addEventListener('click', function (event) {
                const button = event.target.closest && event.target.closest('#map .modebar-btn');
                if (!button || button.getAttribute('data-title') !== title) { return; }
                event.preventDefault();
                event.stopImmediatePropagation();
                const exportButton = document.getElementById('export-button');
                if (exportButton) { exportButton.click(); }
            }, true);
            return window.dash_clientside.no_update;
        },

        /* Files over the size limit (all together: they travel in one request) are refused
           here, never sent. limit: {bytes, message, together}, the messages with {filename}
           and {size} to fill (size in Mo, as the server writes it: one decimal, a comma). */
        refuseLargeUpload: function (contents, filenames, limit) {
            const none = window.dash_clientside.no_update;
            const refusal = function (text) {   // as callbacks.upload.refusal writes it
                return {type: 'Span', namespace: 'dash_html_components',
                        props: {children: text, className: 'upload-error'}};
            };
            if (!contents) { return [none, none, none]; }
            const all = Array.isArray(contents) ? contents : [contents];
            const names = Array.isArray(filenames) ? filenames : [filenames];
            const sizes = all.map(function (c) {
                return Math.floor((c.length - c.indexOf(',') - 1) * 3 / 4);
            });
            const size = sizes.reduce(function (a, b) { return a + b; }, 0);
            if (size <= limit.bytes) {
                window.dash_clientside.carte.reportScroll = 0;   // a new list: from the top
                return [{files: all.map(function (c, i) {
                    return {contents: c, filename: names[i]};
                })}, '', null];
            }
            // In Mo, rounded up as the server does: a file just over 5 Mo never reads "5 Mo".
            const mo = function (bytes) {
                return (Math.ceil(bytes / 104857.6) / 10).toFixed(1).replace(/\.0$/, '')
                    .replace('.', ',') + ' Mo';
            };
            const biggest = Math.max.apply(null, sizes);
            if (biggest <= limit.bytes) {   // several files, each small enough
                return [none, refusal(limit.together.replace('{size}', mo(size))), null];
            }
            return [none, refusal(limit.message.replace('{filename}',
                names[sizes.indexOf(biggest)]).replace('{size}', mo(biggest))), null];
        },

        /* A refusal of the files sent, scrolled into view if it is out of it (the upload
           box may be low on the page; a list taken shows its report at the top). */
        showMessage: function (children) {
            const message = document.getElementById('upload-message');
            if (children && message && message.querySelector('.upload-error')) {
                const box = message.getBoundingClientRect();
                if (box.top < 0 || box.bottom > window.innerHeight) {
                    message.scrollIntoView({block: 'center'});
                }
            }
            return window.dash_clientside.no_update;
        },

        /* The report's box of rows keeps its place while the report is redrawn after a
           choice (the next row to fix comes where the one fixed was). */
        keepReportPlace: function () {
            const carte = window.dash_clientside.carte;
            if (!carte.watchingReport) {
                carte.watchingReport = true;
                document.addEventListener('scroll', function (event) {
                    if (event.target.classList && event.target.classList.contains('fix-box')) {
                        carte.reportScroll = event.target.scrollTop;
                    }
                }, true);
            }
            window.requestAnimationFrame(function () {
                const box = document.querySelector('.fix-box');
                if (box && carte.reportScroll) { box.scrollTop = carte.reportScroll; }
            });
            return window.dash_clientside.no_update;
        },

        /* The list and the corrections kept in this browser (localStorage) between visits,
           only when the person ticks the box; unticking it forgets them at once. On a new
           visit, they come back when the session holds nothing yet. */
        keepInBrowser: function (members, corrections, keep, kept) {
            const none = window.dash_clientside.no_update;
            const on = Array.isArray(keep) && keep.length > 0;
            // The first call of a page is its loading (the stores read from storage): the
            // moment to bring back what was kept, if the session holds nothing yet.
            const loading = !window.dash_clientside.carte.pageLoaded;
            window.dash_clientside.carte.pageLoaded = true;
            if (!on) { return [kept ? null : none, none, none]; }
            if (loading && kept && (!members && kept.members || !corrections && kept.corrections)) {
                return [none, members || kept.members || null,
                        corrections || kept.corrections || null];
            }
            return [{members: members || null, corrections: corrections || null}, none, none];
        }
    }
});
