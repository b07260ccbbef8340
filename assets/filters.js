/* The filters answered in the browser: which members a selection keeps, the words that
   describe it, and the map redrawn for it without asking the server.

   The server sends a view once (dashboard/client.py: the figure of every member of the
   région or département shown, all kinds, no search) and the words (client.words(): kinds,
   names of régions and départements, text widths). Here:
   - a kind ticked or unticked changes only the opacity of its traces (plotly.js restyles
     their style, it does not project the map again) and the words around the map;
   - a search, or a member selected, redraws the figure with only the members found.
   Pure functions first (tested against their Python twins), then what touches the page. */
(function () {
    'use strict';

    /* -- text ------------------------------------------------------------------------- */

    const PHRASE_VALUES = 3;   // geodata.columns.PHRASE_VALUES
    const LIGATURES = {'œ': 'oe', 'Œ': 'OE', 'æ': 'ae', 'Æ': 'AE', 'ß': 'ss'};
    const ABBREVIATIONS = {st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes'};

    /* geodata.names.normalize: lower case, no accents, ligatures spelled out, punctuation
       as spaces, St -> saint. */
    function normalize(text) {
        const spelled = String(text).replace(/[œŒæÆß]/g, function (c) { return LIGATURES[c]; });
        const plain = spelled.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
        return plain.split(/[^a-z0-9]+/).filter(Boolean)
            .map(function (w) { return ABBREVIATIONS[w] || w; }).join(' ');
    }

    /* map_labels.text_width: px of a text in Arial at this size. */
    function textWidth(text, size, words) {
        let total = 0;
        for (const c of String(text).normalize('NFKD')) {
            if (/[\u0300-\u036f]/.test(c)) { continue; }
            total += words.widths[c] || words.defaultWidth;
        }
        return total * size / 1000;
    }

    /* figures._wrapped: the lines of a text wrapped to a width in px, at its spaces (not at
       its no-break spaces). */
    function wrapped(text, width, size, words) {
        const lines = [];
        let line = '';
        String(text).split(/[ \t\n\r]+/).filter(Boolean).forEach(function (word) {
            const candidate = line ? line + ' ' + word : word;
            if (line && textWidth(candidate, size, words) > width) {
                lines.push(line);
                line = word;
            } else {
                line = candidate;
            }
        });
        return line ? lines.concat([line]) : lines;
    }

    function escapeHtml(text) {
        return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    }

    function kindRecord(kind, words) {
        return words.kinds.find(function (k) { return k.id === kind; });
    }

    function allKinds(words) { return words.kinds.map(function (k) { return k.id; }); }

    /* labels.map_subtitle, with the sample's mark as view_texts adds it; column: the values
       kept of a column of the list (columnFilter), or null. */
    function subtitle(count, kinds, query, sample, year, column, words) {
        let text = count === 0 ? 'Aucune collectivité adhérente'
            : count === 1 ? '1 collectivité adhérente' : count + ' collectivités adhérentes';
        const all = allKinds(words);
        const chosen = all.filter(function (k) { return kinds.indexOf(k) >= 0; });
        if (chosen.length !== all.length) {
            const leftOut = all.filter(function (k) { return chosen.indexOf(k) < 0; });
            if (chosen.length && leftOut.length < chosen.length) {
                text += ', hors ' + listed(leftOut, words);
            } else if (!chosen.length) {
                text += ' : aucun type choisi';
            } else {
                text += (count === 0 ? ' parmi les ' : ' : ') + listed(chosen, words);
            }
        }
        if (query) { text += ' — recherche «\u00a0' + query + '\u00a0»'; }
        if (year !== null && year !== undefined) { text += ' — fin ' + year; }
        if (column) { text += ' — ' + valuesPhrase(column); }
        if (sample) { text += ' (' + words.sampleMark + ')'; }
        return text;
    }

    function valuesPhrase(column) {   // geodata.columns.values_phrase
        const named = column.values.slice(0, PHRASE_VALUES).join(', ');
        const others = column.values.length - PHRASE_VALUES;
        return column.header + '\u00a0: ' + named + (others > 0 ? ' et ' + others + ' autres' : '');
    }

    function listed(kinds, words) {   // labels._listed
        const names = kinds.map(function (k) { return kindRecord(k, words).plural.toLowerCase(); });
        return names.length === 1 ? names[0]
            : names.slice(0, -1).join(', ') + ' et ' + names[names.length - 1];
    }

    /* labels.map_title */
    function mapTitle(region, departement, words) {
        if (departement) { return words.defaultTitle + ' — ' + words.departements[departement]; }
        if (region) { return words.defaultTitle + ' en région ' + words.regions[region]; }
        return words.defaultTitle;
    }

    function countLabel(kind, n, words) {   // kinds.Kind.count_label
        const record = kindRecord(kind, words);
        return n + ' ' + (n > 1 ? record.plural : record.label).toLowerCase();
    }

    function plural(n, word) { return n + ' ' + word + (n > 1 ? 's' : ''); }

    /* -- the selection ---------------------------------------------------------------- */

    /* The filter state as the server reads it (filters.state_of): anything else reads as
       "no filter". colourBy: the header of a column of the list colouring the members;
       values: the values of it kept. */
    function stateOf(region, kinds, departement, query, year, colourBy, values, words) {
        const chosen = Array.isArray(kinds) ? kinds : [];
        const state = {
            region: typeof region === 'string' && words.regions[region] ? region : null,
            kinds: allKinds(words).filter(function (k) { return chosen.indexOf(k) >= 0; }),
            departement: typeof departement === 'string' && words.departements[departement]
                ? departement : null,
            query: typeof query === 'string' ? query.trim().slice(0, words.maxQuery) : '',
            year: typeof year === 'number' && Number.isInteger(year) &&
                year >= words.yearRange[0] && year <= words.yearRange[1] ? year : null,
            colourBy: typeof colourBy === 'string' && colourBy
                ? colourBy.slice(0, words.maxHeader) : null,
            values: Array.isArray(values) ? values.filter(function (v) {
                return typeof v === 'string';
            }).slice(0, words.maxValues) : []
        };
        return withoutForeignDepartement(state, words);
    }

    function withoutForeignDepartement(state, words) {
        if (state.departement && state.region &&
                words.departementsOfRegion[state.region].indexOf(state.departement) < 0) {
            state.departement = null;
        }
        return state;
    }

    function regionOf(departement, words) {
        for (const region in words.departementsOfRegion) {
            if (words.departementsOfRegion[region].indexOf(departement) >= 0) { return region; }
        }
        return null;
    }

    /* selection.year_in_effect: the year a filter keeps the members of, null when it keeps
       them all (no year, none in the list, or its last year or later). years: {first, last}
       of the list, or null. */
    function yearInEffect(year, years) {
        return typeof year === 'number' && years && year < years.last ? year : null;
    }

    /* The values kept of the list's column chosen (selection.in_effect), from its classes
       (colouring: client.colouring): {header, values in legend order, rows kept as
       {row: true}, partly: whether they keep some of the values sharing a colour ("Autres
       valeurs")}; null when they keep every member (none chosen, or none of the
       column's). */
    function columnFilter(colouring, values) {
        if (!colouring || !Array.isArray(values) || !values.length) { return null; }
        const chosen = colouring.labels.filter(function (l) { return values.indexOf(l) >= 0; });
        if (!chosen.length) { return null; }
        const classes = chosen.map(function (l) { return colouring.labels.indexOf(l); });
        const rows = {};
        Object.keys(colouring.of).forEach(function (row) {
            if (classes.indexOf(colouring.of[row]) >= 0) { rows[row] = true; }
        });
        const colours = {};
        colouring.colors.forEach(function (color, i) {
            const kept = classes.indexOf(i) >= 0 ? 'all' : 'none';
            colours[color] = colours[color] && colours[color] !== kept ? 'some' : kept;
        });
        return {header: colouring.header, values: chosen, rows: rows,
                partly: Object.keys(colours).some(function (c) { return colours[c] === 'some'; })};
    }

    /* How much of a trace of members (of one kind and one colour: figures._colour_parts)
       the values kept keep: 'all', 'none' or 'some' (the colour of "Autres valeurs" stands
       for several values). */
    function keptOf(trace, column) {
        if (!column || !Array.isArray(trace.customdata)) { return 'all'; }
        let kept = 0;
        let all = 0;
        trace.customdata.forEach(function (row) {
            if (row === null || row === undefined) { return; }
            all += 1;
            if (column.rows[row]) { kept += 1; }
        });
        return kept === all ? 'all' : kept === 0 ? 'none' : 'some';
    }

    /* The table's rows with the class of the column colouring the members (table.grid_columns:
       "_valeur" is "class|cell", "_couleur" and "_encre" its colours); as they are without
       one. */
    function colouredRows(rows, colouring) {
        if (!colouring) { return rows; }
        return rows.map(function (row) {
            const at = colouring.of[row.row];
            if (at === undefined) { return row; }
            const cell = row[colouring.field];
            // The class first, padded: the column sorts in the legend's order.
            return Object.assign({}, row, {
                _valeur: String(at).padStart(4, '0') + '|' +
                    (cell === undefined || cell === '' ? colouring.labels[at] : cell),
                _couleur: colouring.colors[at], _encre: colouring.inks[at]});
        });
    }

    /* selection.select over the table's rows (table.grid_rows: kind, _region,
       _departement, _search, _year), the state's year in effect (yearInEffect) and the
       values kept of a column (state.column: columnFilter, or null). */
    function selectRows(rows, state, words) {
        const needle = state.query ? normalize(state.query) : '';
        const departementRegion = state.departement ? regionOf(state.departement, words) : null;
        return rows.filter(function (row) {
            if (state.kinds.indexOf(row.kind) < 0) { return false; }
            if (state.year !== null && state.year !== undefined &&
                    (row._year === null || row._year > state.year)) { return false; }
            if (state.column && !state.column.rows[row.row]) { return false; }
            if (state.region && row._region !== state.region) { return false; }
            // A région member contains the département: it is "there" too.
            if (state.departement && row._departement !== state.departement &&
                    !(row.kind === 'region' && row._region === departementRegion)) {
                return false;
            }
            return !needle || row._search.indexOf(needle) >= 0;
        });
    }

    /* selection.count_by_kind: [[kind, n]] in legend order, no zeros. */
    function countByKind(kinds, words) {
        const counts = {};
        kinds.forEach(function (k) { counts[k] = (counts[k] || 0) + 1; });
        return allKinds(words).filter(function (k) { return counts[k]; })
            .map(function (k) { return [k, counts[k]]; });
    }

    /* views.map_description: the map in words. */
    function description(rows, state, words) {
        const title = mapTitle(state.region, state.departement, words);
        const national = state.region || state.departement ? '' : ' en France';
        let where = 'Carte des ' + title[0].toLowerCase() + title.slice(1) + national;
        if (state.query) { where += ' (recherche « ' + state.query + ' »)'; }
        if (state.year !== null && state.year !== undefined) { where += ', fin ' + state.year; }
        if (state.column) { where += ', ' + valuesPhrase(state.column); }
        const kinds = countByKind(rows.map(function (r) { return r.kind; }), words)
            .map(function (pair) { return countLabel(pair[0], pair[1], words); });
        if (!kinds.length) {
            return where + ' : aucune collectivité adhérente dans cette sélection.';
        }
        const listed = kinds.length > 1
            ? kinds.slice(0, -1).join(', ') + ' et ' + kinds[kinds.length - 1] : kinds[0];
        return where + ' : ' + plural(rows.length, 'adhérent') + ', dont ' + listed + '.';
    }

    function span(props) { return element('Span', props); }

    /* views.header_counts: '37 adhérents' then one badge per kind. */
    function headerCounts(rows, words) {
        const badges = [span({className: 'count-total', children: plural(rows.length, 'adhérent')})];
        countByKind(rows.map(function (r) { return r.kind; }), words).forEach(function (pair) {
            const record = kindRecord(pair[0], words);
            badges.push(span({className: 'count-kind', title: record.plural, children: [
                span({className: 'kind-symbol', style: {color: record.color},
                      children: record.char}),
                ' ' + countLabel(pair[0], pair[1], words)]}));
        });
        return badges;
    }

    /* -- the population covered (geodata.coverage) ------------------------------------ */

    const NBSP = '\u00a0';

    /* labels.format_population: '236 710 hab.' */
    function formatPopulation(n) {
        return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP) + NBSP + 'hab.';
    }

    /* geodata.coverage.share_fr: '44,1 %', rounded half up in whole numbers as the server
       does. */
    function shareFr(part, whole) {
        if (whole <= 0) { return '0' + NBSP + '%'; }
        const permille = Math.floor((2000 * part + whole) / (2 * whole));
        if (part && permille === 0) { return 'moins de 0,1' + NBSP + '%'; }
        if (part < whole && permille === 1000) { return 'plus de 99,9' + NBSP + '%'; }
        if (part === whole) { return '100' + NBSP + '%'; }
        return Math.floor(permille / 10) + ',' + (permille % 10) + NBSP + '%';
    }

    function coveragePhrase(covered, population) {   // labels.coverage_phrase
        return 'population couverte' + NBSP + ': ' + shareFr(covered, population) +
            ' (' + formatPopulation(covered) + ')';
    }

    /* geodata.coverage.covered_in: the population of the groups ([département, inhabitants,
       [rows]]) one of these rows covers, in these départements (all if null). */
    function coveredIn(groups, rows, departements) {
        const chosen = new Set(rows.map(Number));
        const within = departements ? new Set(departements) : null;
        let total = 0;
        groups.forEach(function (group) {
            if (within && !within.has(group[0])) { return; }
            if (group[2].some(function (row) { return chosen.has(row); })) { total += group[1]; }
        });
        return total;
    }

    /* selection.view_coverage, with its parts: the population of the view (France, a région,
       a département) and of each of its régions or départements, covered by the members of
       the kinds and search chosen wherever they are. */
    function viewCoverage(list, state, words) {
        const rows = selectRows(list.rows, {kinds: state.kinds, query: state.query,
                                            year: state.year, column: state.column,
                                            region: null, departement: null}, words)
            .map(function (row) { return Number(row.row); });
        const part = function (code, name, departements) {
            const population = departements.reduce(function (sum, d) {
                return sum + (words.populations[d] || 0);
            }, 0);
            return {code: code, name: name, departements: departements, population: population,
                    covered: coveredIn(list.coverage, rows, departements)};
        };
        let parts;
        if (state.departement || state.region) {
            const codes = state.departement ? [state.departement]
                : words.departementsOfRegion[state.region];
            parts = codes.map(function (d) { return part(d, words.departements[d], [d]); });
        } else {
            parts = Object.keys(words.departementsOfRegion).map(function (r) {
                return part(r, words.regions[r], words.departementsOfRegion[r]);
            });
        }
        parts.sort(function (a, b) { return a.name.localeCompare(b.name, 'fr'); });
        const sum = function (key) {
            return parts.reduce(function (total, p) { return total + p[key]; }, 0);
        };
        return {covered: sum('covered'), population: sum('population'), parts: parts,
                byRegion: !state.departement && !state.region};
    }

    function capitalized(text) { return text[0].toUpperCase() + text.slice(1); }

    function element(type, props) {
        return {type: type, namespace: 'dash_html_components', props: props};
    }

    /* The header's badge: the share of the view's inhabitants covered. */
    function coverageBadge(coverage, state, words) {
        const where = state.departement ? words.departements[state.departement]
            : state.region ? words.regions[state.region] : 'France entière';
        return element('Span', {className: 'count-coverage', children:
            capitalized(coveragePhrase(coverage.covered, coverage.population)),
            title: 'Habitants des communes couvertes par au moins un adhérent retenu par les ' +
                'filtres, chaque commune comptée une fois (' + where + ' : ' +
                formatPopulation(coverage.covered) + ' sur ' +
                formatPopulation(coverage.population) + ')'});
    }

    /* The population covered in each région (France) or département of the view, a bar
       for each, then the whole view's when it has several parts. */
    function coverageTable(coverage, state, words) {
        const cell = function (text, className) {
            return element('Td', {children: text, className: className});
        };
        const line = function (p, name) {
            const percent = p.population ? 100 * p.covered / p.population : 0;
            return element('Tr', {children: [
                element('Th', {children: name, scope: 'row'}),
                element('Td', {className: 'share', children: [
                    element('Span', {className: 'bar', style: {width: percent.toFixed(1) + '%'}}),
                    element('Span', {className: 'share-text',
                                     children: shareFr(p.covered, p.population)})]}),
                cell(formatPopulation(p.covered), 'number'),
                cell(formatPopulation(p.population), 'number')]});
        };
        const head = function (text, className) {
            return element('Th', {children: text, scope: 'col', className: className});
        };
        const parts = [element('Thead', {children: element('Tr', {children: [
                head(coverage.byRegion ? 'Région' : 'Département'), head('Part couverte'),
                head('Habitants couverts', 'number'), head('Habitants', 'number')]})}),
            element('Tbody', {children: coverage.parts.map(function (p) {
                return line(p, p.name);
            })})];
        if (coverage.parts.length > 1) {
            const whole = state.region ? words.regions[state.region] : 'France entière';
            parts.push(element('Tfoot', {children: line(coverage, whole)}));
        }
        return element('Table', {className: 'coverage-table', children: parts});
    }

    /* -- the URL: ?region=32&types=commune,metropole&departement=59&q=lille ------------- */

    function encode(value) {   // as Python's urlencode(safe=','): '+' for spaces
        return encodeURIComponent(value).replace(/%20/g, '+').replace(/%2C/gi, ',')
            .replace(/[!'()*]/g, function (c) {
                return '%' + c.charCodeAt(0).toString(16).toUpperCase();
            });
    }

    function toSearch(state, words) {
        const params = [];
        if (state.region) { params.push('region=' + encode(state.region)); }
        if (state.kinds.length !== words.kinds.length) {
            params.push('types=' + encode(state.kinds.join(',')));
        }
        if (state.departement) { params.push('departement=' + encode(state.departement)); }
        if (state.query) { params.push('q=' + encode(state.query)); }
        if (state.year !== null && state.year !== undefined) {
            params.push('annee=' + state.year);
        }
        if (state.colourBy) {
            params.push('couleur=' + encode(state.colourBy));
            state.values.forEach(function (v) { params.push('valeur=' + encode(v)); });
        }
        return params.length ? '?' + params.join('&') : '';
    }

    function fromSearch(search, words) {
        const params = new URLSearchParams(search || '');
        const first = function (name) { return (params.get(name) || '').trim(); };
        let kinds = allKinds(words);
        if (params.has('types')) {
            const wanted = first('types').split(',').map(function (k) { return k.trim(); });
            kinds = kinds.filter(function (k) { return wanted.indexOf(k) >= 0; });
        }
        return withoutForeignDepartement({
            region: words.regions[first('region')] ? first('region') : null,
            kinds: kinds,
            departement: words.departements[first('departement')] ? first('departement') : null,
            query: first('q').slice(0, words.maxQuery),
            year: /^\d{4}$/.test(first('annee')) &&
                parseInt(first('annee'), 10) >= words.yearRange[0] &&
                parseInt(first('annee'), 10) <= words.yearRange[1]
                ? parseInt(first('annee'), 10) : null,
            colourBy: first('couleur').slice(0, words.maxHeader) || null,
            values: first('couleur') ? params.getAll('valeur').slice(0, words.maxValues) : []
        }, words);
    }

    function departementOptions(region, words) {
        const codes = region ? words.departementsOfRegion[region]
            : Object.keys(words.departements).sort();
        return codes.map(function (code) {
            return {label: words.departements[code] + ' (' + code + ')', value: code};
        });
    }

    /* -- the map ---------------------------------------------------------------------- */

    const KIND_ATTRIBUTES = ['lon', 'lat', 'text', 'hovertext', 'locations', 'z', 'customdata'];

    function isKindTrace(trace, words) {
        return !!trace.legendgroup && !!kindRecord(trace.legendgroup, words);
    }

    /* The members of the view a search finds, a year and the values of a column keep
       ({row: kind}; view.members: row -> [kind, search key, year]; column: columnFilter, or
       null); all of them without any. */
    function found(view, query, year, column) {
        const needle = query ? normalize(query) : '';
        const until = yearInEffect(year, view.years);
        const out = {};
        Object.keys(view.members).forEach(function (row) {
            const member = view.members[row];
            if (needle && member[1].indexOf(needle) < 0) { return; }
            if (until !== null && (member[2] === null || member[2] > until)) { return; }
            if (column && !column.rows[row]) { return; }
            out[row] = member[0];
        });
        return out;
    }

    /* The subtitle of the map, wrapped as the server wraps it, and the margin above. */
    function subtitleLayout(view, kinds, query, year, column, words) {
        const rows = found(view, query, year, column);
        const count = Object.keys(rows).filter(function (r) {
            return kinds.indexOf(rows[r]) >= 0;
        }).length;
        const frame = view.subtitle;
        const lines = wrapped(subtitle(count, kinds, query, view.sample,
                                       yearInEffect(year, view.years), column, words), frame.width,
                              frame.size, words).map(escapeHtml);
        return {text: lines.join('<br>'), lines: lines.length,
                top: frame.tops[Math.min(lines.length, frame.tops.length) - 1]};
    }

    /* The figure of a view for a search, the kinds shown, a year, the values kept of a column
       (columnFilter, or null) and a selected member. */
    function figureFor(view, kinds, query, selected, year, column, words) {
        const rows = found(view, query, year, column);
        // The members of a colour the values kept keep all of, or none of, stay in the figure
        // (shown or hidden, as an unticked kind's): keeping other values hides them again
        // without drawing the map (showFilters).
        const whole = column ? found(view, query, year, null) : rows;
        const data = view.figure.data.map(function (trace) {
            if (!isKindTrace(trace, words)) { return trace; }
            const copy = Object.assign({}, trace);
            const kept = keptOf(trace, column);
            const within = kept === 'some' ? rows : whole;
            if ((query || kept === 'some' || yearInEffect(year, view.years) !== null) &&
                    Array.isArray(trace.customdata)) {
                const keep = trace.customdata.map(function (row) {
                    return String(row) in within;
                });
                KIND_ATTRIBUTES.forEach(function (name) {
                    if (Array.isArray(trace[name])) {
                        copy[name] = trace[name].filter(function (_, i) { return keep[i]; });
                    }
                });
            }
            const entry = legendEntries(rows, words)[trace.legendgroup];
            if (trace.showlegend) {
                copy.name = entry.name;
                copy.showlegend = entry.shown;
            }
            copy.opacity = kinds.indexOf(trace.legendgroup) >= 0 && kept !== 'none' ? 1 : 0;
            return copy;
        });
        const ring = selectionRing(view, data, selected);
        const layout = Object.assign({}, view.figure.layout);
        const sub = subtitleLayout(view, kinds, query, year, column, words);
        layout.title = Object.assign({}, layout.title, {
            subtitle: Object.assign({}, layout.title.subtitle, {text: sub.text})});
        layout.margin = Object.assign({}, layout.margin, {t: sub.top});
        return {data: ring ? data.concat(ring) : data, layout: layout};
    }

    /* The legend's entry of each kind for the members shown ({row: kind}): its name with
       their number, shown when there are some. */
    function legendEntries(rows, words) {
        const counts = {};
        Object.keys(rows).forEach(function (r) { counts[rows[r]] = (counts[rows[r]] || 0) + 1; });
        const entries = {};
        allKinds(words).forEach(function (kind) {
            const n = counts[kind] || 0;
            entries[kind] = {name: kindRecord(kind, words).plural + ' (' + n + ')', shown: n > 0};
        });
        return entries;
    }

    const RING = {symbol: 'circle-open', size: 26, color: '#d6336c', line: {width: 3}};

    /* figures.map_figure's ring around the selected member, where it is drawn. */
    function selectionRing(view, data, selected) {
        if (typeof selected !== 'number') { return []; }
        const rings = {};
        data.forEach(function (trace) {
            const at = Array.isArray(trace.customdata) ? trace.customdata.indexOf(selected) : -1;
            if (at < 0 || trace.opacity === 0 || trace.mode === 'lines') { return; }
            if (trace.type === 'scattergeo' && trace.mode === 'markers') {
                rings[trace.geo] = [trace.lon[at], trace.lat[at]];
            } else if (trace.type === 'choropleth' && !rings[trace.geo] &&
                       view.areas[String(selected)]) {
                rings[trace.geo] = view.areas[String(selected)];
            }
        });
        // Of the member's kind: hidden with it when its kind is unticked (or its value not
        // kept).
        const kind = (view.members[String(selected)] || [])[0];
        return Object.keys(rings).map(function (geo) {
            return {type: 'scattergeo', geo: geo, lon: [rings[geo][0]], lat: [rings[geo][1]],
                    mode: 'markers', hoverinfo: 'skip', showlegend: false, name: 'sélection',
                    customdata: [selected],   // hidden with its member's value too
                    marker: RING, legendgroup: kind,
                    opacity: data.some(function (t) {
                        return t.legendgroup === kind && t.opacity !== 0 &&
                            Array.isArray(t.customdata) && t.customdata.indexOf(selected) >= 0;
                    }) ? 1 : 0};
        });
    }

    /* After any drawing: a hidden kind's traces are not hovered or clicked (nor drawn, for
       areas), and its legend entry is greyed as plotly.js greys a hidden trace's. hoverinfo
       is set on the traces plotly.js hovers (gd._fullData): restyling it would project the
       whole map again. */
    function markHidden(gd, kinds, words, column) {
        // Each drawing makes these objects anew from gd.data: a shown trace is as it was.
        (gd._fullData || []).forEach(function (trace) {
            if (trace.legendgroup && trace._input && trace._input.opacity === 0) {
                trace.hoverinfo = 'skip';
            }
        });
        // plotly.js has no opacity for a choropleth (a member région or département): its
        // group in the SVG takes it, as showFilters sets it.
        gd.querySelectorAll('g.trace.choropleth').forEach(function (group) {
            const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
            if (trace && trace._input && isKindTrace(trace, words)) {
                group.style.opacity = trace._input.opacity === 0 ? 0 : '';
            }
        });
        gd.querySelectorAll('.legend .traces').forEach(function (item) {
            const datum = item.__data__ && item.__data__[0];
            const trace = datum && datum.trace;
            // A value's entry (figures._colouring_legend_traces): greyed when not kept.
            if (trace && trace.legendgroup === words.colourGroup && Array.isArray(trace.meta)) {
                item.style.opacity = !column || trace.meta.some(function (v) {
                    return column.values.indexOf(v) >= 0;
                }) ? '' : '0.5';
                return;
            }
            // Not a kind's entry (the territory's): always as plotly.js draws it.
            if (!trace || !isKindTrace(trace, words)) { return; }
            const shown = kinds.indexOf(trace.legendgroup) >= 0;
            item.style.opacity = shown ? '' : '0.5';
            // The symbol keeps showing (plotly.js gives it its trace's opacity, 0).
            const symbol = item.querySelector('.layers');
            if (symbol) { symbol.style.opacity = shown ? '' : '1'; }
        });
    }

    /* The subtitle rewritten in place when it keeps its number of lines (a relayout would
       draw the map again), else through plotly.js (the margin above grows or shrinks). */
    function rewriteSubtitle(gd, sub) {
        const element = gd.querySelector('.gtitle-subtitle');
        const layout = gd.layout;
        const old = layout.title && layout.title.subtitle ? layout.title.subtitle.text : '';
        if (old === sub.text) { return Promise.resolve(); }
        const tspans = element ? element.querySelectorAll('tspan.line') : [];
        const lines = sub.text.split('<br>');
        if (element && (tspans.length || 1) === lines.length) {
            const decode = function (t) {
                return t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
            };
            if (tspans.length) {
                tspans.forEach(function (tspan, i) { tspan.textContent = decode(lines[i]); });
            } else {
                element.textContent = decode(lines[0]);
            }
            element.setAttribute('data-unformatted', sub.text);
            layout.title.subtitle.text = sub.text;   // kept by any later drawing
            gd._fullLayout.title.subtitle.text = sub.text;
            return Promise.resolve();
        }
        return window.Plotly.relayout(gd, {'title.subtitle.text': sub.text, 'margin.t': sub.top});
    }

    /* A kind ticked or unticked, or values of the column kept, on the map drawn: the opacity
       of the traces, the hover, the legend and the subtitle. Nothing is drawn again: each
       trace's group in the SVG takes its new opacity, as plotly.js's own restyle would set it
       after restyling every trace (3 to 8 times longer), and plotly.js's data says the same
       for any later drawing. drawn: the values kept when the map was drawn (columnFilter).
       Returns false, doing nothing, when the map must be drawn again (figureFor): members of
       a colour partly kept, or a kind's legend entry to add or remove. */
    function showFilters(gd, view, kinds, query, year, column, drawn, words) {
        if ((column && column.partly) || (drawn && drawn.partly)) { return false; }
        const entries = legendEntries(found(view, query, year, column), words);
        const changed = new Map();
        let sameLegend = true;
        gd.data.forEach(function (trace, i) {
            if (!isKindTrace(trace, words)) { return; }
            // The trace of a kind's legend entry (figureFor names it, shows it or not).
            const carrier = view.figure.data[i] && view.figure.data[i].showlegend;
            if (carrier && entries[trace.legendgroup].shown !== (trace.showlegend !== false)) {
                sameLegend = false;
            }
            const opacity = kinds.indexOf(trace.legendgroup) >= 0 &&
                keptOf(trace, column) !== 'none' ? 1 : 0;
            if ((trace.opacity === undefined ? 1 : trace.opacity) !== opacity) {
                changed.set(i, opacity);
            }
        });
        if (!sameLegend) { return false; }
        const groups = [];
        gd.querySelectorAll('g.trace').forEach(function (group) {
            const cd = group.__data__;
            const trace = cd && cd[0] && cd[0].trace;
            if (trace && changed.has(trace.index)) { groups.push([group, trace.index]); }
        });
        // A legend's entry alone (a coloured map's kinds) may have no group: its data only.
        gd.data.forEach(function (trace, i) {
            if (changed.has(i) && !Array.isArray(trace.customdata) &&
                    !groups.some(function (pair) { return pair[1] === i; })) {
                gd.data[i].opacity = changed.get(i);
                if (gd._fullData[i]) { gd._fullData[i].opacity = changed.get(i); }
                changed.delete(i);
            }
        });
        let done;
        if (groups.length === changed.size) {
            groups.forEach(function (pair) {
                const opacity = changed.get(pair[1]);
                pair[0].style.opacity = opacity;
                gd.data[pair[1]].opacity = opacity;
                gd._fullData[pair[1]].opacity = opacity;
            });
            done = Promise.resolve();
        } else {   // a trace not drawn as expected: plotly.js's own restyle
            done = window.Plotly.restyle(gd, {opacity: Array.from(changed.values())},
                                         Array.from(changed.keys()));
        }
        return done.then(function () {
            renameLegend(gd, entries, words);
            markHidden(gd, kinds, words, column);
            return rewriteSubtitle(gd, subtitleLayout(view, kinds, query, year, column, words));
        });
    }

    /* The kinds' legend entries renamed in place (their numbers), in the page and the data. */
    function renameLegend(gd, entries, words) {
        gd.querySelectorAll('.legend .traces').forEach(function (item) {
            const datum = item.__data__ && item.__data__[0];
            const trace = datum && datum.trace;
            if (!trace || !isKindTrace(trace, words)) { return; }
            const name = entries[trace.legendgroup].name;
            const text = item.querySelector('.legendtext');
            if (text && text.textContent !== name) {
                text.textContent = name;
                gd.data[trace.index].name = name;
                trace.name = name;
            }
        });
    }

    /* The filters answered on the map drawn (showFilters), or the map drawn again for them
       when they cannot be (members of a colour partly kept, a legend entry to add). current:
       the view shown, its search, year and values kept ({view, query, year, column, drawn,
       selected}). */
    function showOnMap(gd, current, kinds, words) {
        const done = showFilters(gd, current.view, kinds, current.query, current.year,
                                 current.column, current.drawn, words);
        if (done !== false) { return done; }
        // Drawn again once for these filters (a checkbox's listener and its callback both ask).
        const wanted = JSON.stringify([kinds, current.column && current.column.values]);
        if (current.drawnFor === wanted) { return Promise.resolve(); }
        current.drawnFor = wanted;
        const figure = figureFor(current.view, kinds, current.query, current.selected,
                                 current.year, current.column, words);
        current.drawn = current.column;
        return window.Plotly.react(gd, figure.data, figure.layout);
    }

    /* The kinds whose checkboxes are ticked in this element. */
    function tickedKinds(boxes) {
        const kinds = [];
        (boxes ? boxes.querySelectorAll('input[type=checkbox]') : []).forEach(function (box) {
            if (box.checked) { kinds.push(box.value); }
        });
        return kinds;
    }

    /* A click on a kind's legend entry ticks or unticks it, a double click keeps it alone
       (all of them when it already was): choose(kinds) says so to the page, instead of
       plotly.js's own restyle, which projects the map again. After any drawing, a hidden
       kind stays unhoverable and greyed in the legend. ticked(): the kinds ticked; column():
       the values kept (columnFilter, or null). */
    function watchLegend(gd, words, ticked, choose, column) {
        const all = allKinds(words);
        const kindOf = function (event) {
            return (event.data[event.curveNumber] || {}).legendgroup;
        };
        // plotly.js sends click, click, double click: a click waits for the double click's
        // delay, and a double click decides from the kinds shown before its clicks.
        let pending = null;
        gd.on('plotly_legendclick', function (event) {
            const kind = kindOf(event);
            if (all.indexOf(kind) < 0) { return false; }   // not a kind's entry
            if (pending && pending.kind === kind) { return false; }   // the second click
            const before = ticked();
            pending = {kind: kind, before: before, timer: setTimeout(function () {
                pending = null;
                choose(before.indexOf(kind) >= 0
                    ? before.filter(function (k) { return k !== kind; })
                    : all.filter(function (k) { return k === kind || before.indexOf(k) >= 0; }));
            }, gd._context.doubleClickDelay || 300)};
            return false;
        });
        gd.on('plotly_legenddoubleclick', function (event) {
            const kind = kindOf(event);
            const before = pending ? pending.before : ticked();
            if (pending) { clearTimeout(pending.timer); pending = null; }
            if (all.indexOf(kind) >= 0) {
                choose(before.length === 1 && before[0] === kind ? all : [kind]);
            }
            return false;
        });
        const mark = function () { markHidden(gd, ticked(), words, column()); };
        gd.on('plotly_afterplot', mark);
        gd.on('plotly_relayout', mark);
    }

    window.carteFilters = {
        normalize: normalize, textWidth: textWidth, wrapped: wrapped, subtitle: subtitle,
        mapTitle: mapTitle, stateOf: stateOf, yearInEffect: yearInEffect,
        columnFilter: columnFilter, colouredRows: colouredRows, selectRows: selectRows,
        description: description,
        headerCounts: headerCounts, toSearch: toSearch, shareFr: shareFr,
        coveragePhrase: coveragePhrase, coveredIn: coveredIn, viewCoverage: viewCoverage,
        coverageBadge: coverageBadge, coverageTable: coverageTable, fromSearch: fromSearch,
        departementOptions: departementOptions, found: found, figureFor: figureFor,
        subtitleLayout: subtitleLayout, markHidden: markHidden, showFilters: showFilters,
        showOnMap: showOnMap, tickedKinds: tickedKinds, watchLegend: watchLegend
    };
})();
