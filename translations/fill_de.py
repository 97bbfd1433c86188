#!/usr/bin/env python3
"""Fills mor_studio_de.ts with the German texts below (run after lupdate).

Keeps translations already present; marks filled entries finished."""
import html
import re
import sys

DE = {
    # menus and actions
    "&File": "&Datei", "&Recent logs": "&Zuletzt geöffnete Logs", "&Demos": "&Demos", "&Edit": "&Bearbeiten",
    "&View": "&Ansicht", "&Panels": "&Bereiche", "&Theme": "&Farbschema", "&Language": "&Sprache",
    "&Run": "&Lauf", "&Help": "&Hilfe", "Toolbar": "Werkzeugleiste",
    "&New experiment": "&Neues Experiment",
    "Reset the setup to a default experiment": "Die Einrichtung auf ein Standard-Experiment zurücksetzen",
    "&Open log…": "Log ö&ffnen…", "Open an experiment log (.sqlite)": "Ein Experiment-Log (.sqlite) öffnen",
    "&Save preset…": "Vorlage &speichern…", "&Load preset…": "Vorlage &laden…", "&Quit": "&Beenden",
    "&Undo": "&Rückgängig", "&Redo": "&Wiederholen", "&Start training": "Training &starten",
    "&Pause / resume": "&Pause / Fortsetzen", "S&top": "S&topp", "&Light": "&Hell", "&Dark": "&Dunkel",
    "&Presentation mode": "&Präsentationsmodus",
    "Large fonts, advanced settings hidden": "Große Schrift, erweiterte Einstellungen ausgeblendet",
    "&About MoR Studio": "Ü&ber MoR Studio", "About &Qt": "Über &Qt",
    "Setup": "Einrichtung", "Training": "Training", "Reflection stepper": "Reflexions-Schrittfolge",
    "Routing": "Routing", "Conflicts": "Konflikte", "Runs": "Läufe", "Events": "Ereignisse",
    # main window
    "New experiment": "Neues Experiment", "Open experiment log": "Experiment-Log öffnen",
    "Experiment logs (*.sqlite *.db);;All files (*)": "Experiment-Logs (*.sqlite *.db);;Alle Dateien (*)",
    "Save preset": "Vorlage speichern", "Load preset": "Vorlage laden",
    "Experiment configs (*.json)": "Experiment-Konfigurationen (*.json)",
    "About MoR Studio": "Über MoR Studio",
    "<h3>MoR Studio %1</h3><p>A workbench for Mixture-of-Reflection models: configure, train and inspect routers, reflecting experts and their integration.</p><p>License: GPL-3.0-or-later.</p>":
        "<h3>MoR Studio %1</h3><p>Eine Werkbank für Mixture-of-Reflection-Modelle: Router, reflektierende Experten und ihre Integration einrichten, trainieren und untersuchen.</p><p>Lizenz: GPL-3.0-or-later.</p>",
    "Training run %1…": "Lauf %1 wird trainiert…", "Open log": "Log öffnen",
    "Stop the running training before opening another log.": "Beenden Sie das laufende Training, bevor Sie ein anderes Log öffnen.",
    "Cannot open %1:\n%2": "%1 lässt sich nicht öffnen:\n%2", "Cannot open %1: %2": "%1 lässt sich nicht öffnen: %2",
    "Opening %1…": "%1 wird geöffnet…", "Opened %1": "%1 geöffnet",
    "the log could not be opened": "das Log ließ sich nicht öffnen",
    "MoR Studio — %1": "MoR Studio — %1", "Loaded demo “%1”": "Demo „%1“ geladen",
    "Starting “%1”": "„%1“ wird gestartet", "Run %1 %2": "Lauf %1 %2", "Run %1 %2: %3": "Lauf %1 %2: %3",
    "%1 — %n run(s)": ("%1 — %n Lauf", "%1 — %n Läufe"),
    "No translation for %1": "Keine Übersetzung für %1", "Quit": "Beenden",
    "A training is running. Stop it and quit?": "Ein Training läuft. Anhalten und beenden?",
    "This view arrives with the inspect views.": "Diese Ansicht kommt mit den Inspektionsansichten.",
    "MoR Studio": "MoR Studio",
    # run browser
    "&Rename…": "&Umbenennen…", "Edit &tags…": "&Schlagwörter bearbeiten…", "&Notes…": "&Notizen…",
    "&Delete…": "&Löschen…", "Rename run": "Lauf umbenennen", "Name:": "Name:", "Tags": "Schlagwörter",
    "Tags of %n run(s), separated by commas:": ("Schlagwörter von %n Lauf, durch Kommas getrennt:",
                                                 "Schlagwörter von %n Läufen, durch Kommas getrennt:"),
    "Notes": "Notizen", "Notes on “%1”:": "Notizen zu „%1“:", "Delete runs": "Läufe löschen",
    "Delete %n run(s) and everything logged for them? This cannot be undone.":
        ("%n Lauf und alles dazu Protokollierte löschen? Das lässt sich nicht rückgängig machen.",
         "%n Läufe und alles dazu Protokollierte löschen? Das lässt sich nicht rückgängig machen."),
    "Filter runs (name, status, data set, tags)…": "Läufe filtern (Name, Status, Datensatz, Schlagwörter)…",
    "Run %1": "Lauf %1", "Name": "Name", "Status": "Status", "Data set": "Datensatz",
    "Created": "Erstellt", "Duration": "Dauer", "Best accuracy": "Beste Genauigkeit",
    # setup view
    "Hops": "Schritte",
    'Most steps a query follows through the permutation: "2>>" asks where 2 leads in two steps':
        'Höchstzahl der Schritte, die eine Frage der Permutation folgt: "2>>" fragt, wohin 2 in zwei Schritten führt',
    "Capacity warm-up (steps)": "Kapazitäts-Aufwärmen (Schritte)",
    "Training steps over which every recursion's capacity falls from 1 to its value along a half cosine (0: none)":
        "Trainingsschritte, in denen die Kapazität jeder Rekursion entlang eines halben Kosinus von 1 auf ihren Wert fällt (0: keine)",
    "Capacity hold (steps)": "Kapazität halten (Schritte)",
    "Training steps at capacity 1, every token running every recursion, before the warm-up starts (0: none)":
        "Trainingsschritte mit Kapazität 1, in denen jedes Token jede Rekursion durchläuft, bevor das Aufwärmen beginnt (0: keine)",
    "Kind": "Art", "Samples": "Beispiele", "Length (bits)": "Länge (Bits)", "Modulus": "Modulus",
    "Operands": "Operanden", "Domains": "Domänen", "Label noise": "Label-Rauschen", "CSV file": "CSV-Datei",
    "Label column": "Label-Spalte", "IDX images": "IDX-Bilder", "IDX labels": "IDX-Labels",
    "Use at most": "Höchstens verwenden", "Validation fraction": "Anteil Validierung",
    "Test fraction": "Anteil Test", "Traced probe inputs": "Verfolgte Probe-Eingaben",
    "How the router turns its probabilities into the set of experts that run":
        "Wie der Router aus seinen Wahrscheinlichkeiten die Menge der laufenden Experten bestimmt",
    "Strategy": "Strategie", "Top k": "Top k", "Threshold": "Schwelle", "Top p": "Top p",
    "Capacity factor": "Kapazitätsfaktor", "Shared experts": "Geteilte Experten",
    "Temperature": "Temperatur", "Jitter": "Jitter", "Balance loss weight": "Gewicht Balance-Verlust",
    "Z-loss weight": "Gewicht Z-Verlust", "Selector loss weight": "Gewicht Selektor-Verlust",
    "Fusion": "Fusion", "Confidence exponent": "Konfidenz-Exponent", "Conflict threshold": "Konfliktschwelle",
    "Confident at": "Sicher ab", "Resolution": "Auflösung", "Extra iterations": "Zusätzliche Iterationen",
    "Optimizer": "Optimierer", "Schedule": "Lernraten-Plan", "Epochs": "Epochen", "Batch size": "Batchgröße",
    "Accumulation": "Akkumulation", "Learning rate": "Lernrate", "Warm-up steps": "Aufwärmschritte",
    "Seed": "Startwert", "Device": "Gerät", "Log traces": "Traces protokollieren",
    "Edit expert": "Experte bearbeitet", "Duplicate expert": "Experte dupliziert", "Add expert": "Experte hinzugefügt",
    "Remove expert": "Experte entfernt", "Edit %1": "%1 geändert", "Load config": "Konfiguration geladen",
    "The configuration is valid.": "Die Konfiguration ist gültig.", "Load %1": "%1 geladen",
    "Cannot write %1: %2": "%1 lässt sich nicht schreiben: %2", "Choose a demo…": "Demo wählen…",
    "Router": "Router", "Experts": "Experten", "Integration": "Integration",
    "&Add": "&Hinzufügen", "&Remove": "&Entfernen", "D&uplicate": "D&uplizieren", "&Preset:": "&Vorlage:",
    "Load…": "Laden…", "Save…": "Speichern…", "Run &name:": "Lauf&name:", "Lesson": "Lektion",
    "Choose a demo above to load a ready-made experiment and read what it shows, or build your own configuration on the left.":
        "Wählen Sie oben eine Demo, um ein fertiges Experiment zu laden und zu lesen, was es zeigt, oder stellen Sie links Ihre eigene Konfiguration zusammen.",
    "CSV files (*.csv *.csv.gz *.txt);;All files (*)": "CSV-Dateien (*.csv *.csv.gz *.txt);;Alle Dateien (*)",
    "IDX files (*-ubyte *-ubyte.gz *.idx*);;All files (*)": "IDX-Dateien (*-ubyte *-ubyte.gz *.idx*);;Alle Dateien (*)",
    "all": "alle", "Choose a file": "Datei wählen",
    "Choose a CSV file to see its parsed columns.": "Wählen Sie eine CSV-Datei, um ihre erkannten Spalten zu sehen.",
    "%1 rows, %2 feature columns and the label (last column below).": "%1 Zeilen, %2 Merkmalsspalten und das Label (letzte Spalte unten).",
    "label": "Label",
    "Choose an IDX images file and its labels file (MNIST format).": "Wählen Sie eine IDX-Bilddatei und ihre Label-Datei (MNIST-Format).",
    "Images of %1 × %2 pixels; labels match.": "Bilder mit %1 × %2 Pixeln; Labels passen.",
    "Expert %1": "Experte %1", "Cell": "Zelle", "Width": "Breite", "Max depth": "Max. Tiefe", "Halting": "Anhalten",
    # training view and plots
    "Starting…": "Startet…", "epoch %1/%2 · loss %3 · %4 samples/s · ETA %5": "Epoche %1/%2 · Verlust %3 · %4 Beispiele/s · noch %5",
    "Run %1 %2.": "Lauf %1 %2.", "&Resume": "&Fortsetzen", "&Pause": "&Pause",
    "No run selected — start one in Setup or pick one in the run browser.": "Kein Lauf gewählt — starten Sie einen in der Einrichtung oder wählen Sie einen in der Laufliste.",
    "Run %1 “%2” — %3 — %4": "Lauf %1 „%2“ — %3 — %4",
    "Pause or resume the training between batches": "Training zwischen Batches anhalten oder fortsetzen",
    "Stop the training; the run ends as “stopped”": "Training beenden; der Lauf endet als „stopped“",
    "Idle": "Bereit", "%n step(s)": ("%n Schritt", "%n Schritte"), "Run %1 (%2), %3 s": "Lauf %1 (%2), %3 s", "Export metrics": "Metriken exportieren", "CSV files (*.csv)": "CSV-Dateien (*.csv)",
    "No run selected.": "Kein Lauf gewählt.", "Export CSV…": "CSV exportieren…",
    "Save every metric of this run as CSV": "Alle Metriken dieses Laufs als CSV speichern", "step": "Schritt", "Loss terms": "Verlustterme", "Accuracy": "Genauigkeit",
    "Activation per expert": "Aktivierung je Experte", "Mean depth / conflict rate": "Mittlere Tiefe / Konfliktrate",
    "Learning rate / throughput": "Lernrate / Durchsatz",
    # inspect views (the common words)
    "Play": "Abspielen", "Pause": "Pause", "First": "Erster", "Back": "Zurück", "Next": "Weiter", "Last": "Letzter",
    "Speed": "Tempo", "Play speed": "Abspielgeschwindigkeit", "Step": "Schritt", "Input": "Eingabe",
    "Experts ": "Experten", "Winner": "Gewinner", "Margin": "Abstand", "Resolved": "Aufgelöst", "Label": "Label",
    "Result": "Ergebnis", "right": "richtig", "wrong": "falsch", "none": "keine", "Wrong only": "Nur falsche",
    "All steps": "Alle Schritte", "Class": "Klasse", "Domain": "Domäne", "Top expert": "Bester Experte",
    "Aggregate": "Aggregat", "Evolution": "Verlauf", "Sort rows by": "Zeilen sortieren nach",
    "Evaluation step": "Evaluationsschritt", "Show": "Zeigen", "All inputs": "Alle Eingaben",
    "Wrong answers": "Falsche Antworten", "Conflicted": "Mit Konflikt", "◀ Previous": "◀ Zurück", "Next ▶": "Weiter ▶",
    "Load per expert": "Last je Experte", "no routing logged": "kein Routing protokolliert",
    "No run open.": "Kein Lauf geöffnet.", "No traced input selected.": "Keine verfolgte Eingabe gewählt.",
    # command line
    "Workbench for Mixture-of-Reflection models": "Werkbank für Mixture-of-Reflection-Modelle",
    "Experiment log to open (default: the user's log)": "Zu öffnendes Experiment-Log (Standard: das Log des Benutzers)",
    "Load a bundled demo": "Eine mitgelieferte Demo laden",
    "Save a picture of the window after 1.5 s and quit": "Nach 1,5 s ein Bild des Fensters speichern und beenden",
    "View to show: setup, training, stepper, routing, conflicts": "Anzuzeigende Ansicht: setup, training, stepper, routing, conflicts",
    "Theme: light or dark": "Farbschema: light oder dark", "Language: en or de": "Sprache: en oder de",
    "Select this run id": "Diese Lauf-ID auswählen",
    "Milliseconds to wait before the screenshot (default 1500)": "Millisekunden bis zum Bildschirmfoto (Standard 1500)",
    "Start training the loaded config right away": "Die geladene Konfiguration sofort trainieren",
    "Start in presentation mode (large fonts)": "Im Präsentationsmodus starten (große Schrift)",
    # inspect views: titles, axes and buttons
    "Router p and gates g": "Router-p und Gates g", "gate g": "Gate g",
    "Integration (after %1 iterations)": "Integration (nach %1 Iterationen)",
    "Reflection step t = %1 of %2": "Reflexionsschritt t = %1 von %2",
    "Input (log order)": "Eingabe (Log-Reihenfolge)", "Class × expert": "Klasse × Experte",
    "Domain × expert": "Domäne × Experte", "step %1 (%2 / %3)": "Schritt %1 (%2 / %3)",
    "Conflict score histogram": "Histogramm der Konfliktwerte", "conflicts": "Konflikte",
    "Conflict rate over training": "Konfliktrate im Training", "training step": "Trainingsschritt",
    "Resolved accuracy vs score": "Genauigkeit nach Auflösung je Konfliktwert", "accuracy": "Genauigkeit",
    "Score D": "Wert D", "critique c_t": "Kritik c_t", "halting λ_t": "Anhalten λ_t",
    "draft right": "Entwurf richtig", "draft wrong": "Entwurf falsch", "reflection step t": "Reflexionsschritt t",
    "class": "Klasse", "draft": "Entwurf", "no input stored": "keine Eingabe gespeichert",
    "fusion weight w_j": "Fusionsgewicht w_j", "expert": "Experte", "fused answer": "fusionierte Antwort",
    "Mean routing probability": "Mittlere Routing-Wahrscheinlichkeit", "domain": "Domäne", "input": "Eingabe",
    "routing probability p": "Routing-Wahrscheinlichkeit p", "fraction routed": "Anteil geroutet",
    "fraction of inputs": "Anteil der Eingaben", "ideal %1": "ideal %1",
    "Deepest reflection first": "Tiefste Reflexion zuerst", "%1 inputs": "%1 Eingaben",
    "no input matches": "keine passende Eingabe", "Export image…": "Bild exportieren…",
    "Export plot": "Diagramm exportieren", "Copy image": "Bild kopieren", "Could not write %1": "%1 ließ sich nicht schreiben",
    "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)": "PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf)",
    # inspect views: stepper, routing, conflicts
    "Filter: input, expert (E2), resolution…": "Filter: Eingabe, Experte (E2), Auflösung…",
    "val/conflict_rate": "val/conflict_rate", "conflicts per probe input": "Konflikte je Probe-Eingabe",
    "step %1": "Schritt %1", "%1 of %2 conflicts": "%1 von %2 Konflikten",
    "Dead expert(s): %1 (routed < 1% of inputs)": "Ungenutzte Experten: %1 (< 1 % der Eingaben geroutet)",
    "Imbalance: E%1 takes %2× its fair share (%3 vs ideal %4)":
        "Ungleichgewicht: E%1 erhält das %2-Fache seines fairen Anteils (%3 statt ideal %4)",
    "Imbalance: E%1 gets only %2 of inputs (ideal %3)": "Ungleichgewicht: E%1 erhält nur %2 der Eingaben (ideal %3)",
    '%1: unknown image format "%2" (use .png, .svg or .pdf)': "%1: unbekanntes Bildformat „%2“ (verwenden Sie .png, .svg oder .pdf)",
    "p, selected": "p, ausgewählt", "p, not run": "p, nicht ausgeführt",
    "Open a run with traces: pick an evaluation step and an input on the left.":
        "Öffnen Sie einen Lauf mit Traces: Wählen Sie links einen Evaluationsschritt und eine Eingabe.",
    "Input #%1 is not a probe input: running the checkpoint of step %2 on it…":
        "Eingabe #%1 ist keine Probe-Eingabe: Der Checkpoint von Schritt %2 wird darauf ausgeführt…",
    "Input #%1 has no logged trace at step %2, and re-running the checkpoint failed: %3":
        "Eingabe #%1 hat bei Schritt %2 keine protokollierte Trace, und die erneute Ausführung des Checkpoints schlug fehl: %3",
    "<b>Input #%1</b> (step %2)<br>%3<br>label <b>%4</b>, domain %5<br>final answer <b style='color:%6'>%7 (%8)</b><br>%9 expert(s), %10 expert-steps":
        "<b>Eingabe #%1</b> (Schritt %2)<br>%3<br>Label <b>%4</b>, Domäne %5<br>endgültige Antwort <b style='color:%6'>%7 (%8)</b><br>%9 Experte(n), %10 Expertenschritte",
    "Input #%1 has no reflection trace at step %2: only the probe inputs are traced. Pick one on the left.":
        "Eingabe #%1 hat bei Schritt %2 keine Reflexions-Trace: Nur die Probe-Eingaben werden verfolgt. Wählen Sie links eine.",
    "conflict score D": "Konfliktwert D", "conflict score D (binned)": "Konfliktwert D (in Intervallen)",
    " threshold %1": " Schwelle %1",
    "Double-click to open input #%1 in the stepper at the integration":
        "Doppelklick öffnet Eingabe #%1 in der Reflexions-Schrittfolge bei der Integration",
    "c_t, λ_t": "c_t, λ_t",
    "class\nt=%1: pred %2 %3  c=%4  λ=%5": "Klasse\nt=%1: Vorhersage %2 %3  c=%4  λ=%5",
    "class\nhalted at t=%1: pred %2 %3": "Klasse\nangehalten bei t=%1: Vorhersage %2 %3",
    "Expert %1  ·  gate %2  ·  router p %3  ·  halted at t=%4  ·  answer %5 %6  ·  confidence %7%8":
        "Experte %1  ·  Gate %2  ·  Router-p %3  ·  angehalten bei t=%4  ·  Antwort %5 %6  ·  Konfidenz %7%8",
    "  ·  +%1 re-reflection": "  ·  +%1 erneute Reflexion",
    "D": "D", "E%1": "E%1", "winner E%1": "Gewinner E%1",
    "Integration: answer %1 %2 (label %3)  ·  conflict D = %4 %5 %6":
        "Integration: Antwort %1 %2 (Label %3)  ·  Konflikt D = %4 %5 %6",
    "  ·  %1, winner E%2, margin %3": "  ·  %1, Gewinner E%2, Abstand %3",
    "  ·  no conflict, margin %1": "  ·  kein Konflikt, Abstand %1",
    "input (%1, in log order)": "Eingabe (%1, in Log-Reihenfolge)", "class %1": "Klasse %1",
    "domain %1": "Domäne %1", "top E%1": "bester E%1", "input (%1)": "Eingabe (%1)",
    "input #%1 (class %2, domain %3)\nexpert E%4: p = %5%6": "Eingabe #%1 (Klasse %2, Domäne %3)\nExperte E%4: p = %5%6",
    ", selected": ", ausgewählt", "\nclick: open in the stepper": "\nKlick: in der Reflexions-Schrittfolge öffnen",
    "mean p": "mittleres p",
    "Training step of the evaluation (checkpoint) whose traces are shown":
        "Trainingsschritt der Evaluation (Checkpoint), deren Traces gezeigt werden",
    "%1 / %2": "%1 / %2", "Class %1": "Klasse %1", "Domain %1": "Domäne %1",
    "#%1  y=%2 → %3 %4  depth %5%6": "#%1  y=%2 → %3 %4  Tiefe %5%6", "  conflict": "  Konflikt",
    # compare view
    "Compare": "Vergleich", "Differences only": "Nur Unterschiede",
    "seed group %1: mean, min–max": "Startwert-Gruppe %1: Mittel, Min–Max", "wall time (s)": "Echtzeit (s)",
    "%1 s": "%1 s", "%1: %2 (raw %3, %4)": "%1: %2 (roh %3, %4)", "%1: %2 (%3)": "%1: %2 (%3)",
    "Run": "Lauf", "Final val acc": "val-Genauigkeit (letzte)", "Best val acc": "val-Genauigkeit (beste)",
    "Test acc": "Test-Genauigkeit", "Test mean depth": "Mittlere Tiefe (Test)",
    "Test expert steps": "Expertenschritte (Test)", "Test conflict rate": "Konfliktrate (Test)",
    "Duration (s)": "Dauer (s)", "Metric:": "Metrik:", "X axis:": "X-Achse:", "Wall time": "Echtzeit",
    "Smoothing: %1": "Glättung: %1", "Log scale": "Log-Skala", "Group by seed": "Nach Startwert gruppieren",
    "Runs whose configs differ only in train.seed are drawn as one mean curve with a min–max band":
        "Läufe, deren Konfigurationen sich nur in train.seed unterscheiden, werden als eine mittlere Kurve mit Min–Max-Band gezeichnet",
    "Reset view": "Ansicht zurücksetzen", "Summary": "Übersicht", "Config diff": "Konfig-Unterschiede",
    "Select two or more runs in the run browser to compare them. Showing the latest %n run(s) of the log.":
        ("Wählen Sie in der Laufliste zwei oder mehr Läufe, um sie zu vergleichen. Gezeigt wird der neueste %n Lauf des Logs.",
         "Wählen Sie in der Laufliste zwei oder mehr Läufe, um sie zu vergleichen. Gezeigt werden die neuesten %n Läufe des Logs."),
    "No runs to compare: open a log with runs.": "Keine Läufe zum Vergleichen: Öffnen Sie ein Log mit Läufen.",
    "(no run with a routing snapshot)": "(kein Lauf mit Routing-Momentaufnahme)",
    "<b>%1</b> (#%2), routing at step %3, %4 inputs in rows by class":
        "<b>%1</b> (#%2), Routing bei Schritt %3, %4 Eingaben in Zeilen nach Klasse",
    "Both heatmaps use the same fixed colour scale, router probability 0 to 1, so equal colours mean equal probabilities. The first two compared runs with routing snapshots are shown.":
        "Beide Heatmaps nutzen dieselbe feste Farbskala (Router-Wahrscheinlichkeit 0 bis 1): Gleiche Farben bedeuten gleiche Wahrscheinlichkeiten. Gezeigt werden die ersten beiden verglichenen Läufe mit Routing-Momentaufnahme.",
    # plot export, setup additions
    "Export all plots into a folder": "Alle Diagramme in einen Ordner exportieren", "Export all plots": "Alle Diagramme exportieren",
    "%n file(s) written to %1": ("%n Datei nach %1 geschrieben", "%n Dateien nach %1 geschrieben"),
    "&Export all plots…": "Alle Diagramme &exportieren…", "Cannot create the folder %1": "Der Ordner %1 lässt sich nicht anlegen",
    "Feedback loss weight": "Gewicht Feedback-Verlust",
    # training replay, CSV export, copy figure, command line (gui3, session 2)
    "Replay the run evaluation by evaluation": "Den Lauf Auswertung für Auswertung abspielen",
    "Activation": "Aktivierung", "Accuracy at step t": "Genauigkeit bei Schritt t",
    "Validation accuracy if every expert stopped at reflection step t":
        "Validierungsgenauigkeit, wenn jeder Experte bei Reflexionsschritt t anhielte",
    "Fraction of validation inputs routed to each expert": "Anteil der Validierungseingaben je Experte",
    "No evaluation logged yet": "Noch keine Auswertung protokolliert",
    "Evaluation %1 of %2 · step %3": "Auswertung %1 von %2 · Schritt %3",
    "validation accuracy <b>%1</b> · mean depth %2 · conflict rate %3":
        "Validierungsgenauigkeit <b>%1</b> · mittlere Tiefe %2 · Konfliktrate %3",
    " · probe inputs %1 of %2 right": " · Probe-Eingaben: %1 von %2 richtig",
    "Routing at step %1 (inputs × experts)": "Routing bei Schritt %1 (Eingaben × Experten)",
    "No routing snapshot at step %1": "Keine Routing-Momentaufnahme bei Schritt %1",
    "Export &metrics as CSV…": "&Metriken als CSV exportieren…",
    "Every metric of the selected run: key, step, value, wall time":
        "Jede Metrik des gewählten Laufs: Schlüssel, Schritt, Wert, Uhrzeit",
    "Export &traces as CSV…": "&Traces als CSV exportieren…",
    "Every logged reflection trace of the selected run: one row per input, expert and iteration":
        "Jeder protokollierte Reflexions-Trace des gewählten Laufs: eine Zeile je Eingabe, Experte und Iteration",
    "&Copy figure": "Diagramm &kopieren",
    "Copy the plot under the mouse (or the largest plot of the view) as an image":
        "Das Diagramm unter der Maus (oder das größte der Ansicht) als Bild kopieren",
    "Export traces": "Traces exportieren", "Select a run first.": "Wählen Sie zuerst einen Lauf.",
    "%n trace row(s) written to %1": ("%n Trace-Zeile nach %1 geschrieben", "%n Trace-Zeilen nach %1 geschrieben"),
    "Figure copied (%1 × %2 pixels)": "Diagramm kopiert (%1 × %2 Pixel)",
    "View to show: setup, training, stepper, routing, conflicts, compare":
        "Anzuzeigende Ansicht: setup, training, stepper, routing, conflicts, compare",
    "View to show: setup, training, stepper, routing, conflicts, compare, sequence":
        "Anzuzeigende Ansicht: setup, training, stepper, routing, conflicts, compare, sequence",
    "View to show: setup, training, stepper, routing, conflicts, compare, sequence, playground, sweeps; name:N also its inner page N (stepper:1)":
        "Anzuzeigende Ansicht: setup, training, stepper, routing, conflicts, compare, sequence, playground, sweeps; name:N auch deren innere Seite N (stepper:1)",
    "Window size in pixels, e.g. 1280x800 (for screenshots)": "Fenstergröße in Pixeln, z. B. 1280x800 (für Bildschirmfotos)",
    "Show the training replay at this evaluation (1 = the first)":
        "Die Trainings-Wiedergabe bei dieser Auswertung zeigen (1 = die erste)",
    # sequence view (seqgui), translated by gui3 at the end of session 2
    "Sequence": "Sequenz",
    "This run has no token traces: only sequence models (Mixture-of-Recursions) log them.":
        "Dieser Lauf hat keine Token-Traces: Nur Sequenzmodelle (Mixture-of-Recursions) protokollieren sie.",
    "Select a sequence run in the run browser.": "Wählen Sie im Lauf-Browser einen Sequenz-Lauf.",
    "#%1: %2": "#%1: %2", "typed: %1": "eingegeben: %1",
    "%n token(s), mean depth %1, %2 of %3 predicted right":
        ("%n Token, mittlere Tiefe %1, %2 von %3 richtig vorhergesagt",
         "%n Token, mittlere Tiefe %1, %2 von %3 richtig vorhergesagt"),
    "Type any text to trace it through the model": "Beliebigen Text eingeben, um ihn durch das Modell zu verfolgen",
    "Tracing typed text needs a run checkpoint": "Eingegebenen Text zu verfolgen braucht einen Checkpoint des Laufs",
    "Tracing “%1” through the checkpoint of step %2…": "„%1“ wird durch den Checkpoint von Schritt %2 verfolgt…",
    "Tracing failed: %1": "Verfolgen fehlgeschlagen: %1",
    "The model's context holds %n token(s): the last ones were traced.":
        ("Der Kontext des Modells fasst %n Token: Die letzten wurden verfolgt.",
         "Der Kontext des Modells fasst %n Token: Die letzten wurden verfolgt."),
    "Trace": "Verfolgen",
    "Run the typed text through the checkpoint of this step":
        "Den eingegebenen Text durch den Checkpoint dieses Schritts schicken",
    "letters": "Buchstaben", "digits": "Ziffern", "spaces": "Leerzeichen",
    "punctuation": "Satzzeichen", "newlines": "Zeilenumbrüche",
    "Recursion depth": "Rekursionstiefe", "depth %1": "Tiefe %1", "all tokens": "alle Token",
    "difficulty class (tokens)": "Schwierigkeitsklasse (Token)",
    "character class (tokens)": "Zeichenklasse (Token)",
    "Mean recursion depth per class": "Mittlere Rekursionstiefe je Klasse",
    "Depth distribution per class": "Tiefenverteilung je Klasse",
    "Mean depth per evaluation step": "Mittlere Tiefe je Auswertungsschritt",
    "mean depth": "mittlere Tiefe", "share of tokens": "Anteil der Token",
    "Token %1: %2 → target %3, depth %4 of %5": "Token %1: %2 → Ziel %3, Tiefe %4 von %5",
    "Click a token to step through its recursions.": "Klicken Sie auf ein Token, um seine Rekursionen schrittweise anzusehen.",
    "This token was not scored by the router.": "Dieses Token hat der Router nicht bewertet.",
    "r = %1 of %2": "r = %1 von %2", "Router score at r": "Router-Wert bei r",
    "Continued to r + 1": "Weiter zu r + 1", "yes": "ja",
    "no — the token leaves here": "nein — das Token steigt hier aus", "no": "nein",
    "Prediction after r": "Vorhersage nach r", "Target probability after r": "Zielwahrscheinlichkeit nach r",
    "— (no target at this position)": "— (kein Ziel an dieser Position)",
    "target probability after r": "Zielwahrscheinlichkeit nach r", "router score at r": "Router-Wert bei r",
    "recursion r": "Rekursion r", "probability / score": "Wahrscheinlichkeit / Wert",
    "Token %1: %2": "Token %1: %2", "Target: %1": "Ziel: %1",
    "Prediction: %1 (right)": "Vorhersage: %1 (richtig)", "Prediction: %1 (wrong)": "Vorhersage: %1 (falsch)",
    "Loss: %1 nats": "Verlust: %1 nats", "No target at this position": "Kein Ziel an dieser Position",
    "Depth: %1 of %2 recursions": "Tiefe: %1 von %2 Rekursionen", "Class: %1": "Klasse: %1",
    "r%1 %2": "r%1 %2", "Router scores: %1": "Router-Werte: %1",
    # reading experts (read_features)
    "feature %1 = %2": "Merkmal %1 = %2",
    "Read at this reflection step: %1": "In diesem Reflexionsschritt gelesen: %1",
    "Reads/step": "Liest/Schritt",
    "Input features the expert reads at every reflection step, the next ones each step (0 = it sees only the encoding)":
        "Eingabemerkmale, die der Experte in jedem Reflexionsschritt liest, in jedem Schritt die nächsten (0 = er sieht nur die Kodierung)",
    # run audit trail (issue 20)
    "&Audit trail…": "&Prüfprotokoll…", "&Verify": "&Prüfen", "Audit trail of run %1": "Prüfprotokoll von Lauf %1",
    "Item": "Eintrag", "Value": "Wert", "Detail": "Einzelheiten",
    "Verify re-hashes the run's stored config and its data files and compares them with the digests logged when the run started.":
        "Prüfen berechnet die Prüfsummen der gespeicherten Konfiguration des Laufs und seiner Datendateien neu und vergleicht sie mit den beim Start protokollierten.",
    "Audit": "Prüfung", "Not recorded: this run was logged before log schema 4.":
        "Nicht aufgezeichnet: Dieser Lauf wurde vor Log-Schema 4 protokolliert.",
    "unknown": "unbekannt", "Recorded": "Aufgezeichnet", "User": "Benutzer", "Host": "Rechner",
    "Command line": "Befehlszeile", "App version": "App-Version", "Git commit": "Git-Commit",
    "LibTorch": "LibTorch", "Config SHA-256": "SHA-256 der Konfiguration",
    "Parent run": "Elternlauf", "%1 (%2)": "%1 (%2)", "Sweep": "Sweep",
    "Resumed": "Fortgesetzt", "Data files": "Datendateien", "none (generated data)": "keine (erzeugte Daten)",
    "%n file(s)": ("%n Datei", "%n Dateien"), "SHA-256": "SHA-256",
    "(unreadable when the run started)": "(beim Start des Laufs nicht lesbar)", "Bytes": "Bytes",
    "Hashing the config and the data files…": "Prüfsummen von Konfiguration und Datendateien werden berechnet…",
    "matches": "stimmt überein", "changed": "geändert", "missing": "fehlt", "not recorded": "nicht aufgezeichnet",
    "logged %1\nnow %2": "protokolliert %1\njetzt %2", "(no file)": "(keine Datei)",
    "This run can be reproduced as logged: the config and every data file hash as recorded.":
        "Dieser Lauf ist wie protokolliert reproduzierbar: Konfiguration und alle Datendateien haben die aufgezeichneten Prüfsummen.",
    "This run can NOT be reproduced as logged: see the items marked changed, missing or not recorded.":
        "Dieser Lauf ist NICHT wie protokolliert reproduzierbar: siehe die Einträge „geändert“, „fehlt“ oder „nicht aufgezeichnet“.",
    # critique calibration with halting thresholds
    "Held-out calibration of the critique: one temperature per expert fitted on the validation split at every evaluation. temperature+threshold also tunes each critique-gated expert's halting threshold there: the lowest that answers as many validation inputs right as the configured one, so a calibrated critique does not think longer than it needs to":
        "Kalibrierung der Kritik auf zurückgehaltenen Daten: eine Temperatur je Experte, bei jeder Auswertung auf dem Validierungsanteil angepasst. temperature+threshold stimmt dort außerdem die Halteschwelle jedes kritikgesteuerten Experten ab: die niedrigste, die so viele Validierungseingaben richtig beantwortet wie die eingestellte, sodass eine kalibrierte Kritik nicht länger nachdenkt als nötig",
    # session 7: precision, stopping, playground step, plot export size, #23 views, generate
    "Paused at batch %1 · the plane shows batch %2 · test accuracy %3%":
        "Angehalten bei Batch %1 · die Ebene zeigt Batch %2 · Testgenauigkeit %3%",
    " px": " px", "Height": "Höhe", "Resolution (DPI)": "Auflösung (DPI)",
    "No traced inputs at or before this step.": "Keine verfolgten Eingaben bis zu diesem Schritt.",
    "step %1, traced from its checkpoint": "Schritt %1, aus seinem Checkpoint verfolgt",
    "probe inputs of step %1 from the log": "Probe-Eingaben von Schritt %1 aus dem Log",
    "step %1; re-running its checkpoint failed: %2": "Schritt %1; erneutes Ausführen seines Checkpoints fehlgeschlagen: %2",
    "step %1; tracing them through its checkpoint…": "Schritt %1; sie werden durch seinen Checkpoint verfolgt…",
    "block %1: %2": "Block %1: %2",
    "%n token(s), mean blocks used %1 of %2, %3 of %4 predicted right":
        ("%n Token, im Mittel %1 von %2 Blöcken genutzt, %3 von %4 richtig vorhergesagt",
         "%n Token, im Mittel %1 von %2 Blöcken genutzt, %3 von %4 richtig vorhergesagt"),
    "skipped blocks not recorded for %n token(s)":
        ("übersprungene Blöcke für %n Token nicht aufgezeichnet", "übersprungene Blöcke für %n Token nicht aufgezeichnet"),
    "tokens that skipped each block: %1": "Token, die jeden Block übersprangen: %1",
    "fp32: everything in float32. bf16: the training forward pass under bfloat16 autocast (matmuls in bf16; weights, gradients, optimizer and evaluation stay float32). Faster on GPUs with bf16; on most CPUs slower":
        "fp32: alles in float32. bf16: der Vorwärtsdurchlauf des Trainings unter bfloat16-Autocast (Matrixprodukte in bf16; Gewichte, Gradienten, Optimierer und Auswertung bleiben float32). Schneller auf GPUs mit bf16, auf den meisten CPUs langsamer",
    "Precision": "Zahlenformat",
    "width %1 units": "Breite %1 Einheiten", "width not recorded": "Breite nicht aufgezeichnet",
    "%1 units (E%2)": "%1 Einheiten (E%2)", "not recorded (E%1)": "nicht aufgezeichnet (E%1)",
    "<br>nested width: <b>%1</b>": "<br>verschachtelte Breite: <b>%1</b>",
    "%1&nbsp;u:&nbsp;%2": "%1&nbsp;E:&nbsp;%2",
    "not&nbsp;recorded:&nbsp;%1": "nicht&nbsp;aufgezeichnet:&nbsp;%1",
    "<br>traced inputs per width: %1": "<br>verfolgte Eingaben je Breite: %1",
    "<br>expert group: <b>%1</b>": "<br>Expertengruppe: <b>%1</b>",
    "Stopping…": "Wird angehalten…",
    "group": "Gruppe",
    "Expert groups: traced inputs per group × expert": "Expertengruppen: verfolgte Eingaben je Gruppe × Experte",
    "%n traced input(s)": ("%n verfolgte Eingabe", "%n verfolgte Eingaben"),
    "; group not recorded for %n input(s)": ("; Gruppe für %n Eingabe nicht aufgezeichnet", "; Gruppe für %n Eingaben nicht aufgezeichnet"),
    "%n input(s)": ("%n Eingabe", "%n Eingaben"),
    "E%1\n%2 u": "E%1\n%2 E",
    "Blocks used": "Genutzte Blöcke",
    "■ block used   □ block skipped": "■ Block genutzt   □ Block übersprungen",
    "%n block(s)": ("%n Block", "%n Blöcke"),
    "Mean blocks used per class": "Mittlere genutzte Blöcke je Klasse",
    "Blocks used per class": "Genutzte Blöcke je Klasse",
    "Mean blocks used per evaluation step": "Mittlere genutzte Blöcke je Auswertungsschritt",
    "mean blocks used": "mittlere genutzte Blöcke",
    "Generating %n token(s) after “%1”…": ("Erzeuge %n Token nach „%1“…", "Erzeuge %n Token nach „%1“…"),
    "Generation failed: %1": "Erzeugen fehlgeschlagen: %1",
    "%n token(s) generated, mean depth %1, %2 tokens/s":
        ("%n Token erzeugt, mittlere Tiefe %1, %2 Token/s", "%n Token erzeugt, mittlere Tiefe %1, %2 Token/s"),
    "the model read the prompt as “%1” (characters outside its vocabulary are replaced)":
        "das Modell las die Eingabe als „%1“ (Zeichen außerhalb seines Vokabulars werden ersetzt)",
    "Continue the typed text with the run's model (the checkpoint of this step); the tokens are coloured by their depth":
        "Den eingegebenen Text mit dem Modell des Laufs fortsetzen (dem Checkpoint dieses Schritts); die Token sind nach ihrer Tiefe gefärbt",
    "Generating needs a sequence run from a log": "Zum Erzeugen braucht es einen Sequenzlauf aus einem Log",
    "Continue the typed text:": "Den eingegebenen Text fortsetzen:",
    "Generate": "Erzeugen", "Tokens": "Token",
    "0 = always the most likely token": "0 = immer das wahrscheinlichste Token",
    "Token %1: %2 → target %3, blocks used %4 of %5, skipped: %6":
        "Token %1: %2 → Ziel %3, genutzte Blöcke %4 von %5, übersprungen: %6",
    "block %1/%2": "Block %1/%2", "Block %1": "Block %1",
    "went through it": "durchlaufen", "skipped (residual path)": "übersprungen (Residualpfad)",
    "Router score at the block": "Router-Wert am Block",
    "Prediction after the block": "Vorhersage nach dem Block",
    "Target probability after the block": "Zielwahrscheinlichkeit nach dem Block",
    "target probability after the block": "Zielwahrscheinlichkeit nach dem Block",
    "router score, block used": "Router-Wert, Block genutzt",
    "router score, block skipped": "Router-Wert, Block übersprungen",
    "block": "Block", "Blocks used: %1 of %2": "Genutzte Blöcke: %1 von %2",
    "Skipped blocks: %1": "Übersprungene Blöcke: %1", "b%1 %2": "B%1 %2",
    "Router scores per block: %1": "Router-Werte je Block: %1",
    # session 8 (issue 21): the whole answer of an addition, class names of core's data sets
    "Answer: %1, the model's: %2 (%3 of %4 right)": "Antwort: %1, die des Modells: %2 (%3 von %4 richtig)",
    "Target of the last token: the model predicts it, but never reads it as input":
        "Ziel des letzten Tokens: Das Modell sagt es vorher, liest es aber nie als Eingabe",
    "no carry": "kein Übertrag", "carry": "Übertrag", "carry chain >= 2": "Übertragskette ≥ 2",
    "positions %1-%2": "Positionen %1–%2",
    # session 8: pruning panel, before/after comparison, serving records (helper C1's views)
    " pt": " Pkt.", "Test accuracy": "Testgenauigkeit", "Parameters": "Parameter",
    "Non-zero parameters": "Parameter ungleich null", "FLOPs per input": "FLOPs je Eingabe",
    "FLOPs per input without zeros": "FLOPs je Eingabe ohne Nullen",
    "Expert-steps per input": "Expertenschritte je Eingabe", "Before": "Vorher", "After": "Nachher",
    "Change": "Änderung",
    "No pruned run among the compared runs. Prune a run (Runs → right-click → Prune…), then select the pruned run: Compare offers “Compare with parent”.":
        "Unter den verglichenen Läufen ist kein beschnittener. Beschneiden Sie einen Lauf (Läufe → Rechtsklick → Beschneiden…) und wählen Sie dann den beschnittenen Lauf: Vergleich bietet „Mit Elternlauf vergleichen“ an.",
    "Before: parent #%1": "Vorher: Elternlauf #%1", "After: pruned #%1": "Nachher: beschnitten #%1",
    "<b>%1</b> (#%2) pruned from <b>%3</b> (#%4) by %5, measured on the test split by <code>mor prune</code>.":
        "<b>%1</b> (#%2) beschnitten aus <b>%3</b> (#%4) mit %5, gemessen auf dem Testanteil von <code>mor prune</code>.",
    "a deleted run": "einem gelöschten Lauf", "an unknown method": "einer unbekannten Methode",
    "Before/after": "Vorher/nachher", "Compare #%1 with its parent #%2": "#%1 mit seinem Elternlauf #%2 vergleichen",
    "The pruned run and the run it was pruned from, side by side (Before/after tab)":
        "Der beschnittene Lauf und der Lauf, aus dem er beschnitten wurde, nebeneinander (Reiter Vorher/nachher)",
    "this program has no training engine (it only reads logs): train, trace and generate in MoR Studio or with the mor command":
        "dieses Programm hat keine Trainings-Engine (es liest nur Logs): Trainieren, Verfolgen und Erzeugen in MoR Studio oder mit dem Befehl mor",
    "S&weep amounts:": "&Reihe von Anteilen:", "&Prune": "&Beschneiden", "Cancel": "Abbrechen", "Close": "Schließen",
    "Prune run %1": "Lauf %1 beschneiden",
    "Prune <b>%1</b> (#%2) into a new child run of the log; the run itself is not changed.":
        "<b>%1</b> (#%2) in einen neuen Kindlauf des Logs beschneiden; der Lauf selbst bleibt unverändert.",
    "Magnitude (unstructured)": "Betrag (unstrukturiert)", "Structured (hidden units)": "Strukturiert (verborgene Einheiten)",
    "Dead experts": "Tote Experten", "Depth cap": "Tiefenbegrenzung", "none": "keine",
    "Optimizer steps of fine-tuning with the pruned weights held at zero, rounded up to whole epochs":
        "Optimiererschritte des Nachtrainings mit den beschnittenen Gewichten fest auf null, aufgerundet auf ganze Epochen",
    "One pruned child run per amount, separated by commas": "Ein beschnittener Kindlauf je Anteil, durch Kommas getrennt",
    "&Method:": "&Methode:", "&Fine-tune steps:": "&Nachtrainingsschritte:",
    "Before (parent)": "Vorher (Elternlauf)", "Pruned": "Beschnitten", "After (child)": "Nachher (Kindlauf)",
    "Right after pruning, before any fine-tuning": "Direkt nach dem Beschneiden, vor jedem Nachtraining",
    "The evaluator's dense estimate: multiplications by zero weights still count":
        "Die dichte Schätzung des Evaluators: Multiplikationen mit Nullgewichten zählen mit",
    "FLOPs per input less the multiplications by zero expert weights (an estimate)":
        "FLOPs je Eingabe ohne die Multiplikationen mit Null-Expertengewichten (eine Schätzung)",
    "Amount": "Anteil", "Child run": "Kindlauf", "Sparsity": "Dünnbesetztheit",
    "Accuracy pruned": "Genauigkeit beschnitten", "Accuracy after": "Genauigkeit danach",
    "Cancelling… (a fine-tuning stops after its current batch, an evaluation when it ends, a sweep before its next amount)":
        "Wird abgebrochen… (ein Nachtraining endet nach seinem aktuellen Batch, eine Auswertung an ihrem Ende, eine Reihe vor ihrem nächsten Anteil)",
    "Maximum &depth:": "Maximale &Tiefe:", "Activation &threshold:": "Aktivierungs&schwelle:",
    "&Amount (fraction):": "&Anteil (Bruchteil):",
    "Zeroes the given fraction of all expert weights (recursion runs: of the recursion blocks) with the smallest magnitude.":
        "Setzt den angegebenen Anteil aller Expertengewichte (Rekursionsläufe: der Rekursionsblöcke) mit dem kleinsten Betrag auf null.",
    "Removes, per expert layer (recursion runs: per block feed-forward layer), the given fraction of hidden units (rows of smallest L2 norm, with their biases).":
        "Entfernt je Expertenschicht (Rekursionsläufe: je Feed-Forward-Schicht eines Blocks) den angegebenen Anteil verborgener Einheiten (Zeilen mit der kleinsten L2-Norm, samt ihren Biases).",
    "Experts routed to fewer than this share of the validation inputs never run again (their router entries are masked; reflection runs).":
        "Experten, die weniger als diesen Anteil der Validierungseingaben erhalten, laufen nie wieder (ihre Router-Einträge werden maskiert; Reflexionsläufe).",
    "Caps every reflection expert's maximum depth (recursion runs: the number of recursions).":
        "Begrenzt die maximale Tiefe jedes Reflexionsexperten (Rekursionsläufe: die Zahl der Rekursionen).",
    "“%1” in the sweep amounts is not a number.": "„%1“ in der Reihe von Anteilen ist keine Zahl.",
    "Give at least one amount to sweep, e.g. 0, 0.5, 0.8, 0.9.": "Geben Sie mindestens einen Anteil an, z. B. 0, 0.5, 0.8, 0.9.",
    "Pruning…": "Wird beschnitten…", "Not pruned: %1": "Nicht beschnitten: %1",
    "Cancelled after %n child run(s).": ("Abgebrochen nach %n Kindlauf.", "Abgebrochen nach %n Kindläufen."),
    "Done: %n child run(s) written to the log.": ("Fertig: %n Kindlauf ins Log geschrieben.", "Fertig: %n Kindläufe ins Log geschrieben."),
    "Before (#%1)": "Vorher (#%1)", "After (#%1)": "Nachher (#%1)", "Child run #%1: %2.": "Kindlauf #%1: %2.",
    "Sparsity of the expert weights %1 %.": "Dünnbesetztheit der Expertengewichte %1 %.",
    "Fine-tuned for %n step(s).": ("%n Schritt nachtrainiert.", "%n Schritte nachtrainiert."),
    "Fine-tuning: step %1 of %2": "Nachtraining: Schritt %1 von %2",
    "Pruning %1 of %2 (amount %3)…": "Beschneiden %1 von %2 (Anteil %3)…", "Pruning (amount %1)…": "Beschneiden (Anteil %1)…",
    "right after pruning": "direkt nach dem Beschneiden", "pruned child runs": "beschnittene Kindläufe",
    "after fine-tuning": "nach dem Nachtraining", "parent run": "Elternlauf",
    "maximum reflection depth (steps)": "maximale Reflexionstiefe (Schritte)",
    "sparsity of the expert weights (%)": "Dünnbesetztheit der Expertengewichte (%)",
    "test accuracy (%)": "Testgenauigkeit (%)", "&Prune…": "&Beschneiden…",
    "&Serving records…": "&Serving-Protokoll…", "Serving records of run %1": "Serving-Protokoll von Lauf %1",
    "Session": "Sitzung", "Variant": "Variante", "Run": "Lauf", "Share": "Anteil", "Requests": "Anfragen",
    "Inputs": "Eingaben", "Labelled": "Mit Label", "Accuracy": "Genauigkeit",
    "Latency median": "Latenz Median", "Latency p95": "Latenz p95", "Latency mean": "Latenz Mittel",
    "Shadow agreement": "Übereinstimmung (Schatten)",
    "Per request, from the latency histogram (linear within a bucket)":
        "Je Anfrage, aus dem Latenzhistogramm (linear innerhalb eines Fachs)",
    "95th percentile per request, from the latency histogram": "95. Perzentil je Anfrage, aus dem Latenzhistogramm",
    "Correct answers among the inputs that were sent with a label": "Richtige Antworten unter den Eingaben, die mit Label gesendet wurden",
    "&Reload": "&Neu laden", "The serving records could not be read: %1": "Das Serving-Protokoll ließ sich nicht lesen: %1",
    "No serving records for run %1: it has not been served with `mor serve --log` yet.":
        "Kein Serving-Protokoll für Lauf %1: Er wurde noch nicht mit `mor serve --log` bereitgestellt.",
    "Run %1 was served in %n session(s); every variant of those sessions is listed. Latencies per request.":
        ("Lauf %1 wurde in %n Sitzung bereitgestellt; jede Variante dieser Sitzung ist aufgeführt. Latenzen je Anfrage.",
         "Lauf %1 wurde in %n Sitzungen bereitgestellt; jede Variante dieser Sitzungen ist aufgeführt. Latenzen je Anfrage."),
    " (shadow mode)": " (Schattenmodus)", "no labels": "keine Labels",
    "<b>%1</b>: %2 (#%3) %4 of %5 correct (%6) vs %7 (#%8) %9 of %10 correct (%11); difference %12 points; two-proportion z-test z = %13, p = %14; Fisher's exact test p = %15: %16":
        "<b>%1</b>: %2 (#%3) %4 von %5 richtig (%6) gegenüber %7 (#%8) %9 von %10 richtig (%11); Differenz %12 Punkte; Zwei-Anteile-z-Test z = %13, p = %14; exakter Test nach Fisher p = %15: %16",
    "significant at the 5% level": "signifikant auf dem 5-%-Niveau", "not significant at the 5% level": "nicht signifikant auf dem 5-%-Niveau",
    "No significance test: it needs two variants of one session with labelled requests (send a \"label\" with the inputs).":
        "Kein Signifikanztest: Er braucht zwei Varianten einer Sitzung mit Anfragen mit Label (senden Sie ein \"label\" mit den Eingaben).",
    # router rows of the setup (session 9)
    "Router input": "Router-Eingabe", "Objective": "Lernziel", "Gate": "Gate",
    "What the router reads: encoding (the shared encoder's output, which the task loss shapes towards the label) or features (the raw input through the router's own layers: it sees which features are present, not what the encoder learned about the label; needs the encoder input vector)":
        "Was der Router liest: encoding (die Ausgabe des gemeinsamen Encoders, die der Aufgabenverlust auf das Label hin formt) oder features (die rohe Eingabe durch die eigenen Schichten des Routers: er sieht, welche Merkmale vorhanden sind, nicht, was der Encoder über das Label gelernt hat; braucht den Eingabevektor des Encoders)",
    "What trains the router and the experts. routed: the selected experts, through the fused answer. mixture_likelihood (Jacobs et al. 1991): in training every expert answers every input and the experts compete for it; the one that explains it best learns most from it. hard_em: each training input goes to the expert with the lowest loss, only that expert learns from it and the router learns the assignment. Both competitive objectives run every expert on every training input and need strategy top_k":
        "Was Router und Experten trainiert. routed: die gewählten Experten, über die fusionierte Antwort. mixture_likelihood (Jacobs et al. 1991): im Training beantwortet jeder Experte jede Eingabe und die Experten konkurrieren darum; wer sie am besten erklärt, lernt am meisten daraus. hard_em: jede Trainingseingabe geht an den Experten mit dem kleinsten Verlust, nur dieser lernt daraus und der Router lernt die Zuordnung. Beide konkurrierenden Lernziele rechnen jeden Experten auf jeder Trainingseingabe und brauchen die Strategie top_k",
    "The router's form. softmax: a softmax over the router's scores. gaussian (Xu, Jordan & Hinton 1995): each expert has a Gaussian over the raw input, so each takes a region of the input space; needs router input features and objective mixture_likelihood":
        "Die Form des Routers. softmax: ein Softmax über die Werte des Routers. gaussian (Xu, Jordan & Hinton 1995): jeder Experte hat eine Gauß-Verteilung über der rohen Eingabe und übernimmt so einen Bereich des Eingaberaums; braucht Router-Eingabe features und Lernziel mixture_likelihood",
    # session 10 (helper H1)
    "val, step %1": "val, Schritt %1",
    # session 10: prune/compare (pruned pairs), setup calibration, retrain dialog
    "Test token accuracy": "Token-Genauigkeit (Test)",
    "FLOPs per token": "FLOPs je Token", "FLOPs / token": "FLOPs / Token",
    "FLOPs / input": "FLOPs / Eingabe",
    "FLOPs per token without zeros": "FLOPs je Token ohne Nullen",
    "Test loss (nats per token)": "Test-Verlust (Nats je Token)",
    "Test loss": "Test-Verlust",
    "Mean recursion depth": "Mittlere Rekursionstiefe",
    "Mean reflection depth": "Mittlere Reflexionstiefe",
    "answer-temperature fits the temperature on the answers (the critique of the step each expert halted at) and moves the halting threshold with it, so experts stop exactly where the raw critic stops: the critique becomes honest without changing answers or compute. none keeps the raw critic":
        "answer-temperature passt die Temperatur an den Antworten an (der Kritik des Schritts, bei dem jeder Experte angehalten hat) und verschiebt die Halteschwelle mit, sodass die Experten genau dort anhalten, wo die rohe Kritik anhält: die Kritik wird ehrlich, ohne Antworten oder Rechenaufwand zu ändern. none behält die rohe Kritik",
    "An estimate per scored token: linear maps and attention of every layer, the recursion block as often as the mean depth, head and routers":
        "Eine Schätzung je bewertetem Token: lineare Abbildungen und Attention jeder Schicht, der Rekursionsblock so oft wie die mittlere Tiefe, Kopf und Router",
    "FLOPs per token less the multiplications by zero recursion-block weights (an estimate)":
        "FLOPs je Token abzüglich der Multiplikationen mit Null-Gewichten des Rekursionsblocks (eine Schätzung)",
    "Recursions per scored test token": "Rekursionen je bewertetem Test-Token",
    "Reflection steps per input and selected expert": "Reflexionsschritte je Eingabe und gewähltem Experten",
    "A recursion run has no experts to remove": "Ein Rekursionslauf hat keine Experten zum Entfernen",
    "Zeroes the given fraction of the recursion blocks' weights with the smallest magnitude.":
        "Setzt den angegebenen Anteil der betragskleinsten Gewichte der Rekursionsblöcke auf null.",
    "Zeroes the given fraction of all expert weights with the smallest magnitude.":
        "Setzt den angegebenen Anteil der betragskleinsten Gewichte aller Experten auf null.",
    "Removes, per feed-forward layer of the recursion block, the given fraction of hidden units (rows of smallest L2 norm, with their biases).":
        "Entfernt je Feed-forward-Schicht des Rekursionsblocks den angegebenen Anteil der verdeckten Einheiten (die Zeilen mit der kleinsten L2-Norm, samt ihren Biases).",
    "Removes, per expert layer, the given fraction of hidden units (rows of smallest L2 norm, with their biases).":
        "Entfernt je Expertenschicht den angegebenen Anteil der verdeckten Einheiten (die Zeilen mit der kleinsten L2-Norm, samt ihren Biases).",
    "Not for recursion runs: they have no experts to remove.":
        "Nicht für Rekursionsläufe: sie haben keine Experten zum Entfernen.",
    "Experts routed to fewer than this share of the validation inputs never run again (their router entries are masked).":
        "Experten, die weniger als diesen Anteil der Validierungseingaben bekommen, laufen nie wieder (ihre Router-Einträge werden maskiert).",
    "Caps the number of recursions: no token runs more than this many, in evaluation, generation and fine-tuning.":
        "Begrenzt die Zahl der Rekursionen: kein Token durchläuft mehr als so viele, bei Auswertung, Generierung und Nachtraining.",
    "Caps every reflection expert's maximum depth.": "Begrenzt die maximale Tiefe jedes Reflexionsexperten.",
    "Sparsity of the recursion-block weights %1 %.": "Dünnbesetztheit der Gewichte des Rekursionsblocks %1 %.",
    "Training the child: step %1 of %2": "Das Kind wird trainiert: Schritt %1 von %2",
    "Comparing parent and child on the held-out data…": "Eltern- und Kindlauf werden auf den zurückgehaltenen Daten verglichen…",
    "&Browse…": "Durch&suchen…",
    "From the parent's &weights": "Von den Ge&wichten des Elternlaufs",
    "From &scratch": "Von &Grund auf",
    "&Retrain": "&Neu trainieren",
    "Retrain run %1": "Lauf %1 neu trainieren",
    "Retrain <b>%1</b> (#%2) on new data into a child run of the log. Parent and child are compared on the same held-out part of the new data; the child is tagged <i>promoted</i> only if the confidence interval of the paired difference lies above the margin.":
        "<b>%1</b> (#%2) auf neuen Daten zu einem Kindlauf im Log neu trainieren. Eltern- und Kindlauf werden auf demselben zurückgehaltenen Teil der neuen Daten verglichen; das Kind erhält den Tag <i>promoted</i> nur, wenn das Konfidenzintervall der gepaarten Differenz über der Marge liegt.",
    "a CSV file (reflection runs) or a text file (recursion runs)": "eine CSV-Datei (Reflexionsläufe) oder eine Textdatei (Rekursionsläufe)",
    "The lower end of the 95 % confidence interval of (child − parent) held-out accuracy must lie above this many points":
        "Das untere Ende des 95-%-Konfidenzintervalls der Genauigkeitsdifferenz (Kind − Eltern) auf den zurückgehaltenen Daten muss über so vielen Punkten liegen",
    "as the run": "wie der Lauf",
    "Training epochs of the child; “as the run” keeps the parent's": "Trainingsepochen des Kinds; „wie der Lauf“ übernimmt die des Elternlaufs",
    "New &data:": "Neue &Daten:",
    "Start:": "Start:",
    "Promotion &margin:": "&Marge für die Beförderung:",
    "&Epochs:": "&Epochen:",
    "Held-out accuracy": "Genauigkeit (zurückgehalten)",
    "Held-out inputs where it is better": "Zurückgehaltene Eingaben, bei denen er besser ist",
    "Parent": "Elternlauf",
    "Child": "Kind",
    "Child − parent": "Kind − Eltern",
    "Cancelling… (training stops after its current batch)": "Wird abgebrochen… (das Training endet nach dem laufenden Batch)",
    "New data for run %1": "Neue Daten für Lauf %1",
    "Data (*.csv *.txt);;All files (*)": "Daten (*.csv *.txt);;Alle Dateien (*)",
    "Choose the new data file first.": "Wählen Sie zuerst die neue Datendatei.",
    "Retraining…": "Wird neu trainiert…",
    "Cancelled: %1": "Abgebrochen: %1",
    "Not retrained: %1": "Nicht neu trainiert: %1",
    "Done: child run #%1 written to the log.": "Fertig: Kindlauf #%1 ins Log geschrieben.",
    "Parent #%1": "Elternlauf #%1",
    "Child #%1": "Kind #%1",
    "<b>Promoted:</b> child #%1 is tagged “promoted” (the lower end of the CI, %2 pt, lies above the margin of %3 pt).":
        "<b>Befördert:</b> Kind #%1 trägt den Tag „promoted“ (das untere Ende des KI, %2 Pkt., liegt über der Marge von %3 Pkt.).",
    "<b>Not promoted:</b> child #%1 is tagged “not-promoted” (the lower end of the CI, %2 pt, does not lie above the margin of %3 pt).":
        "<b>Nicht befördert:</b> Kind #%1 trägt den Tag „not-promoted“ (das untere Ende des KI, %2 Pkt., liegt nicht über der Marge von %3 Pkt.).",
    "Paired difference (child − parent) %1 pt, %2 % CI [%3, %4] pt over %5 held-out inputs of %6. The child trained %7 steps %8.":
        "Gepaarte Differenz (Kind − Eltern) %1 Pkt., %2-%-KI [%3, %4] Pkt. über %5 zurückgehaltene Eingaben von %6. Das Kind trainierte %7 Schritte %8.",
    "from scratch": "von Grund auf",
    "from the parent's weights": "von den Gewichten des Elternlaufs",
    "Recursion run: an input is a held-out sequence, scored by its next-token accuracy.":
        "Rekursionslauf: eine Eingabe ist eine zurückgehaltene Sequenz, bewertet nach ihrer Genauigkeit beim nächsten Token.",
    "Core: %1": "Kern: %1",
    "No longer promoted: %1.": "Nicht mehr befördert: %1.",
    "Retra&in…": "Neu &trainieren…",
    # session 11 (A2): the Sweeps box, short (the counts in words stay in its tooltip)
    "#%1 %2 (%3, %4/%5)": "#%1 %2 (%3, %4/%5)",
    # session 24: exports and run edits off the GUI thread
    "Cannot export the metrics: %1": "Die Metriken lassen sich nicht exportieren: %1",
    "%1 failed: %2": "%1 fehlgeschlagen: %2",
    "%n metric point(s) written to %1": ("%n Metrikpunkt nach %1 geschrieben",
                                          "%n Metrikpunkte nach %1 geschrieben"),
    "Export metrics failed: %1": "Export der Metriken fehlgeschlagen: %1",
    "Writing the traces of run %1 to %2…": "Die Traces von Lauf %1 werden nach %2 geschrieben…",
    "Export traces failed: %1": "Export der Traces fehlgeschlagen: %1",
    "not written": "nicht geschrieben",
    "Renaming run %1": "Umbenennen von Lauf %1",
    "Tagging %n run(s)": ("Tags für %n Lauf", "Tags für %n Läufe"),
    "Notes on run %1": "Notizen zu Lauf %1",
    "Deleting %n run(s)": ("Löschen von %n Lauf", "Löschen von %n Läufen"),
    "Cannot write %1": "%1 lässt sich nicht schreiben",
    # session 25: review fixes
    "Select a run in the run browser to see how it routes its inputs.":
        "Wählen Sie im Lauf-Browser einen Lauf, um zu sehen, wie er seine Eingaben routet.",
    "No finished run in this sweep yet.": "Noch kein abgeschlossener Lauf in diesem Sweep.",
    "No run of this sweep logged %1:\nchoose another compute axis.":
        "Kein Lauf dieses Sweeps hat %1 protokolliert:\n"
        "Wählen Sie eine andere Rechenaufwand-Achse.",
    "default": "Standard",
    "The runs of this sweep logged no compute measure\n(%1),\n"
    "so there is no front to draw.\nThe table gives their run time.":
        "Die Läufe dieses Sweeps haben kein Maß des Rechenaufwands\n"
        "(%1) protokolliert,\n"
        "daher gibt es keine Front zu zeichnen.\nDie Tabelle nennt ihre Laufzeit.",
    "expert-steps, FLOPs or time per input": "Experten-Schritte, FLOPs oder Zeit je Eingabe",
    "Of the %n token(s) that went past recursion 1, the later recursions turned %1 wrong "
    "prediction(s) right and %2 right one(s) wrong": (
        "Von dem %n Token, das über Rekursion 1 hinausging, machten die späteren Rekursionen "
        "%1 falsche Vorhersage(n) richtig und %2 richtige falsch",
        "Von den %n Token, die über Rekursion 1 hinausgingen, machten die späteren Rekursionen "
        "%1 falsche Vorhersage(n) richtig und %2 richtige falsch"),
    "Export tokens": "Token exportieren", "Tokens and their recursions": "Token und ihre Rekursionen",
    # the parameters without an axis (Sweeps, parallel coordinates)
    "The same in every configuration (no axis): %1": "In jeder Konfiguration gleich (keine Achse): %1",
    "%1 %2": "%1 %2",
    # the recursion ladder under the tokens (Sequence view)
    "Prediction after each recursion": "Vorhersage nach jeder Rekursion",
    "Under each token, one cell per recursion it went through: what the model would have "
    "predicted had the token left there (green right, purple wrong), the bar the target's "
    "probability; the framed cell is the answer the token leaves with":
        "Unter jedem Token eine Zelle je durchlaufener Rekursion: was das Modell vorhergesagt "
        "hätte, wäre das Token dort ausgestiegen (grün richtig, violett falsch), der Balken die "
        "Wahrscheinlichkeit des Ziels; die umrandete Zelle ist die Antwort, mit der das Token "
        "aussteigt",
    "Token %1 after recursion %2 of %3": "Token %1 nach Rekursion %2 von %3",
    "Prediction: %1 (wrong; target %2)": "Vorhersage: %1 (falsch; Ziel %2)",
    "Prediction: %1 (no target at this position)": "Vorhersage: %1 (kein Ziel an dieser Position)",
    "Target probability: %1": "Zielwahrscheinlichkeit: %1", "Router score: %1": "Router-Wert: %1",
    "The token leaves here: this is its answer": "Das Token steigt hier aus: dies ist seine Antwort",
    "The token continued to recursion %1": "Das Token ging weiter zu Rekursion %1",
    # the Routing tab for recursion and Mixture-of-Depths runs
    "This run has logged no routing yet. A reflection run shows how it routes its inputs to "
    "experts here once its first evaluation is logged; a recursion run shows its tokens' router "
    "scores at each recursion once its first evaluation with token traces (train.log_traces) is "
    "logged.":
        "Dieser Lauf hat noch kein Routing protokolliert. Ein Reflexionslauf zeigt hier, wie er "
        "seine Eingaben zu Experten routet, sobald seine erste Auswertung protokolliert ist; ein "
        "Rekursionslauf zeigt die Router-Werte seiner Token je Rekursion, sobald seine erste "
        "Auswertung mit Token-Spuren (train.log_traces) protokolliert ist.",
    "recursion": "Rekursion",
    "router score": "Router-Wert", "token (%1, in sequence order)": "Token (%1, in Sequenz-Reihenfolge)",
    "%1 block(s) used": "%1 Block/Blöcke genutzt", "top r%1": "bester r%1", "top b%1": "bester b%1",
    "token (%1)": "Token (%1)", "block %1": "Block %1", "recursion %1": "Rekursion %1",
    "not scored (the token had left before)": "nicht bewertet (das Token war vorher ausgestiegen)",
    "no router (every token goes through this block)":
        "kein Router (jedes Token durchläuft diesen Block)",
    "router score (grey: block skipped)": "Router-Wert (grau: Block übersprungen)",
    "This run's model has no router (routing “%1”): every token goes through the recursions "
    "the model fixes. The Sequence tab shows what each recursion predicted.":
        "Das Modell dieses Laufs hat keinen Router (Routing „%1“): Jedes Token durchläuft die "
        "Rekursionen, die das Modell festlegt. Der Tab Sequenz zeigt, was jede Rekursion "
        "vorhergesagt hat.",
    "none (no router at this block)":
        "keiner (kein Router an diesem Block)",
    "router score %1, %2": "Router-Wert %1, %2", "did not go through it": "nicht durchlaufen",
    "\nclick: open in the Sequence tab": "\nKlick: im Tab Sequenz öffnen",
    "Mean router score": "Mittlerer Router-Wert", "difficulty class": "Schwierigkeitsklasse",
    "depth": "Tiefe", "blocks used": "genutzte Blöcke",
    "No token went through %1": "Kein Token hat %1 durchlaufen",
    "Tokens per recursion": "Token je Rekursion", "Tokens per block": "Token je Block",
    "fraction of tokens": "Anteil der Token", "mean router score": "mittlerer Router-Wert",
    "Token (in sequence order)": "Token (in Sequenz-Reihenfolge)", "Depth": "Tiefe",
    "Difficulty class": "Schwierigkeitsklasse", "Highest-scoring block": "Block mit höchstem Wert",
    "Highest-scoring recursion": "Rekursion mit höchstem Wert",
    "Blocks used × block": "Genutzte Blöcke × Block", "Depth × recursion": "Tiefe × Rekursion",
    "Difficulty class × block": "Schwierigkeitsklasse × Block",
    "Difficulty class × recursion": "Schwierigkeitsklasse × Rekursion",
    ", target %1": ", Ziel %1",
    "sequence #%1, token %2 %3%4: %5 of %6 blocks": "Sequenz #%1, Token %2 %3%4: %5 von %6 Blöcken",
    "sequence #%1, token %2 %3%4: depth %5 of %6": "Sequenz #%1, Token %2 %3%4: Tiefe %5 von %6",
    "Router's P(depth = r)": "P(Tiefe = r) laut Router",
    "router's P(depth = r)": "P(Tiefe = r) laut Router",
    "none (routing “%1” has no router)": "keiner (Routing „%1“ hat keinen Router)",
    "Router: none (routing “%1”)": "Router: keiner (Routing „%1“)",
    "Router's P(depth = r), chosen before r1: %1": "P(Tiefe = r) laut Router, vor r1 gewählt: %1",
    "depth r": "Tiefe r", "most probable depth %1": "wahrscheinlichste Tiefe %1",
    "router's P(depth = %1) %2, %3": "P(Tiefe = %1) laut Router %2, %3",
    "Router's mean P(depth = r)": "Mittleres P(Tiefe = r) laut Router",
    "router's mean P(depth = r)": "mittleres P(Tiefe = r) laut Router",
    "Router's most probable depth": "Wahrscheinlichste Tiefe laut Router",
}


def main(path):
    text = open(path, encoding="utf-8").read()
    filled = 0

    def fill(match):
        nonlocal filled
        block = match.group(0)
        source = html.unescape(re.search(r"<source>(.*?)</source>", block, re.S).group(1))
        if source not in DE or 'type="unfinished"' not in block and "<translation" in block and \
                not re.search(r"<translation[^>]*>\s*</translation>|<translation[^>]*/>", block):
            return block
        value = DE[source]
        if 'numerus="yes"' in block:
            forms = value if isinstance(value, tuple) else (value, value)
            body = "".join(f"\n            <numerusform>{html.escape(f, quote=False)}</numerusform>" for f in forms)
            translation = f"<translation>{body}\n        </translation>"
        else:
            single = value[0] if isinstance(value, tuple) else value
            translation = f"<translation>{html.escape(single, quote=False)}</translation>"
        filled += 1
        return re.sub(r"<translation[^>]*/>|<translation[^>]*>.*?</translation>", translation, block,
                      count=1, flags=re.S)

    text = re.sub(r"<message[^>]*>.*?</message>", fill, text, flags=re.S)
    open(path, "w", encoding="utf-8").write(text)
    print(f"filled {filled} translations")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "translations/mor_studio_de.ts")
