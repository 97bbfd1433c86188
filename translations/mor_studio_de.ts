<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CompareConfigDiff</name>
    <message>
        <location filename="../widgets/compareconfigdiff.cpp" line="113"/>
        <source>Differences only</source>
        <translation>Nur Unterschiede</translation>
    </message>
</context>
<context>
    <name>CompareCurves</name>
    <message>
        <location filename="../widgets/comparecurves.cpp" line="139"/>
        <source>seed group %1: mean, min–max</source>
        <translation>Startwert-Gruppe %1: Mittel, Min–Max</translation>
    </message>
    <message>
        <location filename="../widgets/comparecurves.cpp" line="178"/>
        <location filename="../widgets/comparecurves.cpp" line="248"/>
        <source>wall time (s)</source>
        <translation>Echtzeit (s)</translation>
    </message>
    <message>
        <location filename="../widgets/comparecurves.cpp" line="178"/>
        <location filename="../widgets/comparecurves.cpp" line="248"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/comparecurves.cpp" line="198"/>
        <location filename="../widgets/comparecurves.cpp" line="205"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location filename="../widgets/comparecurves.cpp" line="199"/>
        <location filename="../widgets/comparecurves.cpp" line="206"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../widgets/comparecurves.cpp" line="208"/>
        <source>%1: %2 (raw %3, %4)</source>
        <translation>%1: %2 (roh %3, %4)</translation>
    </message>
    <message>
        <location filename="../widgets/comparecurves.cpp" line="211"/>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
</context>
<context>
    <name>CompareRoutingPair</name>
    <message>
        <location filename="../widgets/compareroutingpair.cpp" line="82"/>
        <source>(no run with a routing snapshot)</source>
        <translation>(kein Lauf mit Routing-Momentaufnahme)</translation>
    </message>
    <message>
        <location filename="../widgets/compareroutingpair.cpp" line="83"/>
        <source>&lt;b&gt;%1&lt;/b&gt; (#%2), routing at step %3, rows by class</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (#%2), Routing bei Schritt %3, Zeilen nach Klasse</translation>
    </message>
    <message>
        <location filename="../widgets/compareroutingpair.cpp" line="88"/>
        <source>Both heatmaps use the same fixed colour scale, router probability 0 to 1, so equal colours mean equal probabilities. The first two compared runs with routing snapshots are shown.</source>
        <translation>Beide Heatmaps nutzen dieselbe feste Farbskala (Router-Wahrscheinlichkeit 0 bis 1): Gleiche Farben bedeuten gleiche Wahrscheinlichkeiten. Gezeigt werden die ersten beiden verglichenen Läufe mit Routing-Momentaufnahme.</translation>
    </message>
</context>
<context>
    <name>CompareSummary</name>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="161"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="161"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="161"/>
        <source>Final val acc</source>
        <translation>val-Genauigkeit (letzte)</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="161"/>
        <source>Best val acc</source>
        <translation>val-Genauigkeit (beste)</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="162"/>
        <source>Test acc</source>
        <translation>Test-Genauigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="162"/>
        <source>Test mean depth</source>
        <translation>Mittlere Tiefe (Test)</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="162"/>
        <source>Test expert steps</source>
        <translation>Expertenschritte (Test)</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="163"/>
        <source>Test conflict rate</source>
        <translation>Konfliktrate (Test)</translation>
    </message>
    <message>
        <location filename="../widgets/comparesummary.cpp" line="163"/>
        <source>Duration (s)</source>
        <translation>Dauer (s)</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../widgets/compareview.cpp" line="231"/>
        <source>Metric:</source>
        <translation>Metrik:</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="232"/>
        <source>X axis:</source>
        <translation>X-Achse:</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="233"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="234"/>
        <source>Wall time</source>
        <translation>Echtzeit</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="236"/>
        <source>Smoothing: %1</source>
        <translation>Glättung: %1</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="237"/>
        <source>Log scale</source>
        <translation>Log-Skala</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="238"/>
        <source>Group by seed</source>
        <translation>Nach Startwert gruppieren</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="240"/>
        <source>Runs whose configs differ only in train.seed are drawn as one mean curve with a min–max band</source>
        <translation>Läufe, deren Konfigurationen sich nur in train.seed unterscheiden, werden als eine mittlere Kurve mit Min–Max-Band gezeichnet</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="242"/>
        <source>Reset view</source>
        <translation>Ansicht zurücksetzen</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="243"/>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="244"/>
        <source>Config diff</source>
        <translation>Konfig-Unterschiede</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="245"/>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/compareview.cpp" line="247"/>
        <source>Select two or more runs in the run browser to compare them. Showing the latest %n run(s) of the log.</source>
        <translation>
            <numerusform>Wählen Sie in der Laufliste zwei oder mehr Läufe, um sie zu vergleichen. Gezeigt wird der neueste %n Lauf des Logs.</numerusform>
            <numerusform>Wählen Sie in der Laufliste zwei oder mehr Läufe, um sie zu vergleichen. Gezeigt werden die neuesten %n Läufe des Logs.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="252"/>
        <source>No runs to compare: open a log with runs.</source>
        <translation>Keine Läufe zum Vergleichen: Öffnen Sie ein Log mit Läufen.</translation>
    </message>
</context>
<context>
    <name>ConflictView</name>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="58"/>
        <source>Filter: input, expert (E2), resolution…</source>
        <translation>Filter: Eingabe, Experte (E2), Auflösung…</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="60"/>
        <source>Wrong only</source>
        <translation>Nur falsche</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="71"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="133"/>
        <source>val/conflict_rate</source>
        <translation>val/conflict_rate</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="152"/>
        <source>conflicts per probe input</source>
        <translation>Konflikte je Probe-Eingabe</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="165"/>
        <source>All steps</source>
        <translation>Alle Schritte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="167"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictview.cpp" line="185"/>
        <source>%1 of %2 conflicts</source>
        <translation>%1 von %2 Konflikten</translation>
    </message>
</context>
<context>
    <name>DatasetSection</name>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="64"/>
        <source>CSV files (*.csv *.csv.gz *.txt);;All files (*)</source>
        <translation>CSV-Dateien (*.csv *.csv.gz *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="73"/>
        <location filename="../widgets/datasetsection.cpp" line="78"/>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx*);;All files (*)</source>
        <translation>IDX-Dateien (*-ubyte *-ubyte.gz *.idx*);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="80"/>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="118"/>
        <location filename="../widgets/datasetsection.cpp" line="123"/>
        <source>Choose a file</source>
        <translation>Datei wählen</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="133"/>
        <source>Data set</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="176"/>
        <source>Choose a CSV file to see its parsed columns.</source>
        <translation>Wählen Sie eine CSV-Datei, um ihre erkannten Spalten zu sehen.</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="185"/>
        <source>%1 rows, %2 feature columns and the label (last column below).</source>
        <translation>%1 Zeilen, %2 Merkmalsspalten und das Label (letzte Spalte unten).</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="198"/>
        <source>label</source>
        <translation>Label</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="222"/>
        <source>Choose an IDX images file and its labels file (MNIST format).</source>
        <translation>Wählen Sie eine IDX-Bilddatei und ihre Label-Datei (MNIST-Format).</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="231"/>
        <source>Images of %1 × %2 pixels; labels match.</source>
        <translation>Bilder mit %1 × %2 Pixeln; Labels passen.</translation>
    </message>
</context>
<context>
    <name>ExpertTableModel</name>
    <message>
        <location filename="../widgets/experttablemodel.cpp" line="100"/>
        <source>Expert %1</source>
        <translation>Experte %1</translation>
    </message>
    <message>
        <location filename="../widgets/experttablemodel.cpp" line="104"/>
        <source>Cell</source>
        <translation>Zelle</translation>
    </message>
    <message>
        <location filename="../widgets/experttablemodel.cpp" line="106"/>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <location filename="../widgets/experttablemodel.cpp" line="108"/>
        <source>Max depth</source>
        <translation>Max. Tiefe</translation>
    </message>
    <message>
        <location filename="../widgets/experttablemodel.cpp" line="110"/>
        <source>Halting</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <location filename="../widgets/experttablemodel.cpp" line="112"/>
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="139"/>
        <source>New experiment</source>
        <translation>Neues Experiment</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="144"/>
        <source>Open experiment log</source>
        <translation>Experiment-Log öffnen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="145"/>
        <source>Experiment logs (*.sqlite *.db);;All files (*)</source>
        <translation>Experiment-Logs (*.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="154"/>
        <location filename="../widgets/mainwindow.cpp" line="158"/>
        <source>Save preset</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="155"/>
        <location filename="../widgets/mainwindow.cpp" line="177"/>
        <source>Experiment configs (*.json)</source>
        <translation>Experiment-Konfigurationen (*.json)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="163"/>
        <source>Export all plots into a folder</source>
        <translation>Alle Diagramme in einen Ordner exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="170"/>
        <source>Export all plots</source>
        <translation>Alle Diagramme exportieren</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/mainwindow.cpp" line="172"/>
        <source>%n file(s) written to %1</source>
        <translation>
            <numerusform>%n Datei nach %1 geschrieben</numerusform>
            <numerusform>%n Dateien nach %1 geschrieben</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="176"/>
        <location filename="../widgets/mainwindow.cpp" line="180"/>
        <source>Load preset</source>
        <translation>Vorlage laden</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="202"/>
        <source>About MoR Studio</source>
        <translation>Über MoR Studio</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="203"/>
        <source>&lt;h3&gt;MoR Studio %1&lt;/h3&gt;&lt;p&gt;A workbench for Mixture-of-Reflection models: configure, train and inspect routers, reflecting experts and their integration.&lt;/p&gt;&lt;p&gt;License: GPL-3.0-or-later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MoR Studio %1&lt;/h3&gt;&lt;p&gt;Eine Werkbank für Mixture-of-Reflection-Modelle: Router, reflektierende Experten und ihre Integration einrichten, trainieren und untersuchen.&lt;/p&gt;&lt;p&gt;Lizenz: GPL-3.0-or-later.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="218"/>
        <source>Training run %1…</source>
        <translation>Lauf %1 wird trainiert…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="246"/>
        <location filename="../widgets/mainwindow.cpp" line="254"/>
        <source>Open log</source>
        <translation>Log öffnen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="247"/>
        <source>Stop the running training before opening another log.</source>
        <translation>Beenden Sie das laufende Training, bevor Sie ein anderes Log öffnen.</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="254"/>
        <source>Cannot open %1:
%2</source>
        <translation>%1 lässt sich nicht öffnen:
%2</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="256"/>
        <source>Cannot open %1: %2</source>
        <translation>%1 lässt sich nicht öffnen: %2</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="260"/>
        <location filename="../widgets/mainwindow.cpp" line="437"/>
        <source>MoR Studio — %1</source>
        <translation>MoR Studio — %1</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="270"/>
        <source>Loaded demo “%1”</source>
        <translation>Demo „%1“ geladen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="295"/>
        <source>Starting “%1”</source>
        <translation>„%1“ wird gestartet</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="305"/>
        <location filename="../widgets/mainwindow.cpp" line="307"/>
        <source>Run %1 %2</source>
        <translation>Lauf %1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="306"/>
        <source>Run %1 %2: %3</source>
        <translation>Lauf %1 %2: %3</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/mainwindow.cpp" line="333"/>
        <source>%1 — %n run(s)</source>
        <translation>
            <numerusform>%1 — %n Lauf</numerusform>
            <numerusform>%1 — %n Läufe</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="392"/>
        <source>No translation for %1</source>
        <translation>Keine Übersetzung für %1</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="402"/>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="402"/>
        <source>A training is running. Stop it and quit?</source>
        <translation>Ein Training läuft. Anhalten und beenden?</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="425"/>
        <source>Setup</source>
        <translation>Einrichtung</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="425"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="425"/>
        <source>Reflection stepper</source>
        <translation>Reflexions-Schrittfolge</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="426"/>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="426"/>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="426"/>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="430"/>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="431"/>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="434"/>
        <source>This view arrives with the inspect views.</source>
        <translation>Diese Ansicht kommt mit den Inspektionsansichten.</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow.cpp" line="439"/>
        <source>MoR Studio</source>
        <translation>MoR Studio</translation>
    </message>
</context>
<context>
    <name>MainWindowActions</name>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="146"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="147"/>
        <source>&amp;Recent logs</source>
        <translation>&amp;Zuletzt geöffnete Logs</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="149"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="150"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="151"/>
        <source>&amp;Panels</source>
        <translation>&amp;Bereiche</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="152"/>
        <source>&amp;Theme</source>
        <translation>&amp;Farbschema</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="153"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="154"/>
        <source>&amp;Run</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="155"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="156"/>
        <source>Toolbar</source>
        <translation>Werkzeugleiste</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="157"/>
        <source>&amp;New experiment</source>
        <translation>&amp;Neues Experiment</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="158"/>
        <source>Reset the setup to a default experiment</source>
        <translation>Die Einrichtung auf ein Standard-Experiment zurücksetzen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="159"/>
        <source>&amp;Open log…</source>
        <translation>Log ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="160"/>
        <source>Open an experiment log (.sqlite)</source>
        <translation>Ein Experiment-Log (.sqlite) öffnen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="161"/>
        <source>&amp;Save preset…</source>
        <translation>Vorlage &amp;speichern…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="162"/>
        <source>&amp;Export all plots…</source>
        <translation>Alle Diagramme &amp;exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="163"/>
        <source>&amp;Load preset…</source>
        <translation>Vorlage &amp;laden…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="164"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="165"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="166"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="167"/>
        <source>&amp;Start training</source>
        <translation>Training &amp;starten</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="168"/>
        <source>&amp;Pause / resume</source>
        <translation>&amp;Pause / Fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="169"/>
        <source>S&amp;top</source>
        <translation>S&amp;topp</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="170"/>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="171"/>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="172"/>
        <source>&amp;Presentation mode</source>
        <translation>&amp;Präsentationsmodus</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="173"/>
        <source>Large fonts, advanced settings hidden</source>
        <translation>Große Schrift, erweiterte Einstellungen ausgeblendet</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="174"/>
        <source>&amp;About MoR Studio</source>
        <translation>Ü&amp;ber MoR Studio</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="175"/>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="176"/>
        <source>Setup</source>
        <translation>Einrichtung</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="176"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="176"/>
        <source>Reflection stepper</source>
        <translation>Reflexions-Schrittfolge</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="176"/>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="177"/>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="177"/>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindowactions.cpp" line="148"/>
        <source>&amp;Demos</source>
        <translation>&amp;Demos</translation>
    </message>
</context>
<context>
    <name>MetricPlots</name>
    <message>
        <location filename="../widgets/metricplots.cpp" line="64"/>
        <location filename="../widgets/metricplots.cpp" line="247"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/metricplots.cpp" line="93"/>
        <source>Loss terms</source>
        <translation>Verlustterme</translation>
    </message>
    <message>
        <location filename="../widgets/metricplots.cpp" line="95"/>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/metricplots.cpp" line="97"/>
        <source>Activation per expert</source>
        <translation>Aktivierung je Experte</translation>
    </message>
    <message>
        <location filename="../widgets/metricplots.cpp" line="99"/>
        <source>Mean depth / conflict rate</source>
        <translation>Mittlere Tiefe / Konfliktrate</translation>
    </message>
    <message>
        <location filename="../widgets/metricplots.cpp" line="101"/>
        <source>Learning rate / throughput</source>
        <translation>Lernrate / Durchsatz</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="50"/>
        <source>Dead expert(s): %1 (routed &lt; 1% of inputs)</source>
        <translation>Ungenutzte Experten: %1 (&lt; 1 % der Eingaben geroutet)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="54"/>
        <source>Imbalance: E%1 takes %2× its fair share (%3 vs ideal %4)</source>
        <translation>Ungleichgewicht: E%1 erhält das %2-Fache seines fairen Anteils (%3 statt ideal %4)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="60"/>
        <source>Imbalance: E%1 gets only %2 of inputs (ideal %3)</source>
        <translation>Ungleichgewicht: E%1 erhält nur %2 der Eingaben (ideal %3)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/plotexport.cpp" line="37"/>
        <source>%1: unknown image format &quot;%2&quot; (use .png, .svg or .pdf)</source>
        <translation>%1: unbekanntes Bildformat „%2“ (verwenden Sie .png, .svg oder .pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/plotexport.cpp" line="43"/>
        <source>Could not write %1</source>
        <translation>%1 ließ sich nicht schreiben</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/plotexport.cpp" line="52"/>
        <source>Export image…</source>
        <translation>Bild exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/plotexport.cpp" line="55"/>
        <location filename="../widgets/inspect/plotexport.cpp" line="59"/>
        <source>Export plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/plotexport.cpp" line="56"/>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/plotexport.cpp" line="62"/>
        <source>Copy image</source>
        <translation>Bild kopieren</translation>
    </message>
    <message>
        <location filename="../widgets/plotfolderexport.cpp" line="22"/>
        <source>Cannot create the folder %1</source>
        <translation>Der Ordner %1 lässt sich nicht anlegen</translation>
    </message>
</context>
<context>
    <name>ReflectionStepperView</name>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="82"/>
        <source>Router p and gates g</source>
        <translation>Router-p und Gates g</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="88"/>
        <source>p, selected</source>
        <translation>p, ausgewählt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="92"/>
        <source>p, not run</source>
        <translation>p, nicht ausgeführt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="97"/>
        <source>gate g</source>
        <translation>Gate g</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="110"/>
        <source>Open a run with traces: pick an evaluation step and an input on the left.</source>
        <translation>Öffnen Sie einen Lauf mit Traces: Wählen Sie links einen Evaluationsschritt und eine Eingabe.</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="272"/>
        <source>Input #%1 is not a probe input: running the checkpoint of step %2 on it…</source>
        <translation>Eingabe #%1 ist keine Probe-Eingabe: Der Checkpoint von Schritt %2 wird darauf ausgeführt…</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="277"/>
        <source>Input #%1 has no logged trace at step %2, and re-running the checkpoint failed: %3</source>
        <translation>Eingabe #%1 hat bei Schritt %2 keine protokollierte Trace, und die erneute Ausführung des Checkpoints schlug fehl: %3</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="289"/>
        <source>No traced input selected.</source>
        <translation>Keine verfolgte Eingabe gewählt.</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="265"/>
        <source>No run open.</source>
        <translation>Kein Lauf geöffnet.</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="311"/>
        <source>&lt;b&gt;Input #%1&lt;/b&gt; (step %2)&lt;br&gt;%3&lt;br&gt;label &lt;b&gt;%4&lt;/b&gt;, domain %5&lt;br&gt;final answer &lt;b style=&apos;color:%6&apos;&gt;%7 (%8)&lt;/b&gt;&lt;br&gt;%9 expert(s), %10 expert-steps</source>
        <translation>&lt;b&gt;Eingabe #%1&lt;/b&gt; (Schritt %2)&lt;br&gt;%3&lt;br&gt;Label &lt;b&gt;%4&lt;/b&gt;, Domäne %5&lt;br&gt;endgültige Antwort &lt;b style=&apos;color:%6&apos;&gt;%7 (%8)&lt;/b&gt;&lt;br&gt;%9 Experte(n), %10 Expertenschritte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="321"/>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="321"/>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="381"/>
        <source>Integration (after %1 iterations)</source>
        <translation>Integration (nach %1 Iterationen)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="382"/>
        <source>Reflection step t = %1 of %2</source>
        <translation>Reflexionsschritt t = %1 von %2</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/reflectionstepperview.cpp" line="283"/>
        <source>Input #%1 has no reflection trace at step %2: only the probe inputs are traced. Pick one on the left.</source>
        <translation>Eingabe #%1 hat bei Schritt %2 keine Reflexions-Trace: Nur die Probe-Eingaben werden verfolgt. Wählen Sie links eine.</translation>
    </message>
</context>
<context>
    <name>RoutingView</name>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="48"/>
        <source>Input (log order)</source>
        <translation>Eingabe (Log-Reihenfolge)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="49"/>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="50"/>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="51"/>
        <source>Top expert</source>
        <translation>Bester Experte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="55"/>
        <source>Class × expert</source>
        <translation>Klasse × Experte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="56"/>
        <source>Domain × expert</source>
        <translation>Domäne × Experte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="57"/>
        <location filename="../widgets/inspect/routingview.cpp" line="121"/>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="78"/>
        <source>Sort rows by</source>
        <translation>Zeilen sortieren nach</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="81"/>
        <source>Aggregate</source>
        <translation>Aggregat</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="84"/>
        <source>Evolution</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="121"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="198"/>
        <source>no routing logged</source>
        <translation>kein Routing protokolliert</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingview.cpp" line="199"/>
        <source>step %1 (%2 / %3)</source>
        <translation>Schritt %1 (%2 / %3)</translation>
    </message>
</context>
<context>
    <name>RunBrowser</name>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="108"/>
        <source>&amp;Rename…</source>
        <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="109"/>
        <source>Edit &amp;tags…</source>
        <translation>&amp;Schlagwörter bearbeiten…</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="110"/>
        <source>&amp;Notes…</source>
        <translation>&amp;Notizen…</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="112"/>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="124"/>
        <source>Rename run</source>
        <translation>Lauf umbenennen</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="124"/>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="145"/>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/runbrowser.cpp" line="145"/>
        <source>Tags of %n run(s), separated by commas:</source>
        <translation>
            <numerusform>Schlagwörter von %n Lauf, durch Kommas getrennt:</numerusform>
            <numerusform>Schlagwörter von %n Läufen, durch Kommas getrennt:</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="170"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="170"/>
        <source>Notes on “%1”:</source>
        <translation>Notizen zu „%1“:</translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="184"/>
        <source>Delete runs</source>
        <translation>Läufe löschen</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/runbrowser.cpp" line="185"/>
        <source>Delete %n run(s) and everything logged for them? This cannot be undone.</source>
        <translation>
            <numerusform>%n Lauf und alles dazu Protokollierte löschen? Das lässt sich nicht rückgängig machen.</numerusform>
            <numerusform>%n Läufe und alles dazu Protokollierte löschen? Das lässt sich nicht rückgängig machen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/runbrowser.cpp" line="212"/>
        <source>Filter runs (name, status, data set, tags)…</source>
        <translation>Läufe filtern (Name, Status, Datensatz, Schlagwörter)…</translation>
    </message>
</context>
<context>
    <name>RunTableModel</name>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="160"/>
        <source>Run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="179"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="181"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="183"/>
        <source>Data set</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="185"/>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="187"/>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="189"/>
        <source>Best accuracy</source>
        <translation>Beste Genauigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/runtablemodel.cpp" line="191"/>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
</context>
<context>
    <name>SetupView</name>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="38"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="43"/>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="46"/>
        <source>Length (bits)</source>
        <translation>Länge (Bits)</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="49"/>
        <source>Modulus</source>
        <translation>Modulus</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="52"/>
        <source>Operands</source>
        <translation>Operanden</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="55"/>
        <source>Domains</source>
        <translation>Domänen</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="58"/>
        <source>Label noise</source>
        <translation>Label-Rauschen</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="62"/>
        <source>CSV file</source>
        <translation>CSV-Datei</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="68"/>
        <source>Label column</source>
        <translation>Label-Spalte</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="71"/>
        <source>IDX images</source>
        <translation>IDX-Bilder</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="76"/>
        <source>IDX labels</source>
        <translation>IDX-Labels</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="83"/>
        <source>Use at most</source>
        <translation>Höchstens verwenden</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="88"/>
        <source>Validation fraction</source>
        <translation>Anteil Validierung</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="91"/>
        <source>Test fraction</source>
        <translation>Anteil Test</translation>
    </message>
    <message>
        <location filename="../widgets/datasetsection.cpp" line="94"/>
        <source>Traced probe inputs</source>
        <translation>Verfolgte Probe-Eingaben</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="46"/>
        <source>How the router turns its probabilities into the set of experts that run</source>
        <translation>Wie der Router aus seinen Wahrscheinlichkeiten die Menge der laufenden Experten bestimmt</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="49"/>
        <source>Strategy</source>
        <translation>Strategie</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="53"/>
        <source>Top k</source>
        <translation>Top k</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="56"/>
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="59"/>
        <source>Top p</source>
        <translation>Top p</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="63"/>
        <source>Capacity factor</source>
        <translation>Kapazitätsfaktor</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="67"/>
        <source>Shared experts</source>
        <translation>Geteilte Experten</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="71"/>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="74"/>
        <source>Jitter</source>
        <translation>Jitter</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="78"/>
        <source>Balance loss weight</source>
        <translation>Gewicht Balance-Verlust</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="82"/>
        <source>Z-loss weight</source>
        <translation>Gewicht Z-Verlust</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="86"/>
        <source>Selector loss weight</source>
        <translation>Gewicht Selektor-Verlust</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="90"/>
        <source>Feedback loss weight</source>
        <translation>Gewicht Feedback-Verlust</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="112"/>
        <source>Fusion</source>
        <translation>Fusion</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="115"/>
        <source>Confidence exponent</source>
        <translation>Konfidenz-Exponent</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="119"/>
        <source>Conflict threshold</source>
        <translation>Konfliktschwelle</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="123"/>
        <source>Confident at</source>
        <translation>Sicher ab</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="128"/>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="132"/>
        <source>Extra iterations</source>
        <translation>Zusätzliche Iterationen</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="147"/>
        <source>Optimizer</source>
        <translation>Optimierer</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="151"/>
        <source>Schedule</source>
        <translation>Lernraten-Plan</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="154"/>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="157"/>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="160"/>
        <source>Accumulation</source>
        <translation>Akkumulation</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="163"/>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="166"/>
        <source>Warm-up steps</source>
        <translation>Aufwärmschritte</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="169"/>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="173"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location filename="../widgets/setupsections.cpp" line="176"/>
        <source>Log traces</source>
        <translation>Traces protokollieren</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="130"/>
        <location filename="../widgets/setupview.cpp" line="134"/>
        <source>Load preset</source>
        <translation>Vorlage laden</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="131"/>
        <location filename="../widgets/setupview.cpp" line="139"/>
        <source>Experiment configs (*.json)</source>
        <translation>Experiment-Konfigurationen (*.json)</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="138"/>
        <location filename="../widgets/setupview.cpp" line="142"/>
        <source>Save preset</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="187"/>
        <source>Edit expert</source>
        <translation>Experte bearbeitet</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="202"/>
        <source>Duplicate expert</source>
        <translation>Experte dupliziert</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="202"/>
        <source>Add expert</source>
        <translation>Experte hinzugefügt</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="221"/>
        <source>Remove expert</source>
        <translation>Experte entfernt</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="229"/>
        <source>Edit %1</source>
        <translation>%1 geändert</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="239"/>
        <source>Load config</source>
        <translation>Konfiguration geladen</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="278"/>
        <source>The configuration is valid.</source>
        <translation>Die Konfiguration ist gültig.</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="317"/>
        <source>Load %1</source>
        <translation>%1 geladen</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="327"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 lässt sich nicht schreiben: %2</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="354"/>
        <location filename="../widgets/setupview.cpp" line="398"/>
        <source>Choose a demo…</source>
        <translation>Demo wählen…</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="385"/>
        <source>Router</source>
        <translation>Router</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="386"/>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="387"/>
        <source>Integration</source>
        <translation>Integration</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="388"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="389"/>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="390"/>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="391"/>
        <source>D&amp;uplicate</source>
        <translation>D&amp;uplizieren</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="392"/>
        <source>&amp;Preset:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="393"/>
        <source>Load…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="394"/>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="395"/>
        <source>Run &amp;name:</source>
        <translation>Lauf&amp;name:</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="396"/>
        <source>&amp;Start training</source>
        <translation>Training &amp;starten</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="401"/>
        <source>Lesson</source>
        <translation>Lektion</translation>
    </message>
    <message>
        <location filename="../widgets/setupview.cpp" line="403"/>
        <source>Choose a demo above to load a ready-made experiment and read what it shows, or build your own configuration on the left.</source>
        <translation>Wählen Sie oben eine Demo, um ein fertiges Experiment zu laden und zu lesen, was es zeigt, oder stellen Sie links Ihre eigene Konfiguration zusammen.</translation>
    </message>
</context>
<context>
    <name>TrainingView</name>
    <message>
        <location filename="../widgets/trainingview.cpp" line="143"/>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="154"/>
        <source>epoch %1/%2 · loss %3 · %4 samples/s · ETA %5</source>
        <translation>Epoche %1/%2 · Verlust %3 · %4 Beispiele/s · noch %5</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="167"/>
        <source>Run %1 %2.</source>
        <translation>Lauf %1 %2.</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="168"/>
        <source>Run %1 %2: %3</source>
        <translation>Lauf %1 %2: %3</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="177"/>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="177"/>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="188"/>
        <source>No run selected — start one in Setup or pick one in the run browser.</source>
        <translation>Kein Lauf gewählt — starten Sie einen in der Einrichtung oder wählen Sie einen in der Laufliste.</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="203"/>
        <source>Run %1 “%2” — %3 — %4</source>
        <translation>Lauf %1 „%2“ — %3 — %4</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="218"/>
        <source>S&amp;top</source>
        <translation>S&amp;topp</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="221"/>
        <source>Pause or resume the training between batches</source>
        <translation>Training zwischen Batches anhalten oder fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="222"/>
        <source>Stop the training; the run ends as “stopped”</source>
        <translation>Training beenden; der Lauf endet als „stopped“</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="225"/>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="80"/>
        <location filename="../widgets/trainingview.cpp" line="84"/>
        <source>Export metrics</source>
        <translation>Metriken exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="81"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="110"/>
        <source>No run selected.</source>
        <translation>Kein Lauf gewählt.</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="117"/>
        <location filename="../widgets/trainingview.cpp" line="132"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 lässt sich nicht schreiben: %2</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="219"/>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="220"/>
        <source>Save every metric of this run as CSV</source>
        <translation>Alle Metriken dieses Laufs als CSV speichern</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/trainingview.cpp" line="195"/>
        <source>%n step(s)</source>
        <translation>
            <numerusform>%n Schritt</numerusform>
            <numerusform>%n Schritte</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/trainingview.cpp" line="196"/>
        <source>Run %1 (%2), %3 s</source>
        <translation>Lauf %1 (%2), %3 s</translation>
    </message>
</context>
<context>
    <name>inspect::ConflictPlots</name>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="25"/>
        <source>Conflict score histogram</source>
        <translation>Histogramm der Konfliktwerte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="28"/>
        <source>conflict score D</source>
        <translation>Konfliktwert D</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="29"/>
        <source>conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="36"/>
        <source>Conflict rate over training</source>
        <translation>Konfliktrate im Training</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="40"/>
        <source>training step</source>
        <translation>Trainingsschritt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="42"/>
        <source>Resolved accuracy vs score</source>
        <translation>Genauigkeit nach Auflösung je Konfliktwert</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="45"/>
        <source>conflict score D (binned)</source>
        <translation>Konfliktwert D (in Intervallen)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="46"/>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflictplots.cpp" line="110"/>
        <source> threshold %1</source>
        <translation> Schwelle %1</translation>
    </message>
</context>
<context>
    <name>inspect::ConflictTableModel</name>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="71"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="79"/>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="79"/>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="92"/>
        <source>Double-click to open input #%1 in the stepper at the integration</source>
        <translation>Doppelklick öffnet Eingabe #%1 in der Reflexions-Schrittfolge bei der Integration</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="104"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="106"/>
        <source>Input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="108"/>
        <source>Score D</source>
        <translation>Wert D</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="110"/>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="112"/>
        <source>Winner</source>
        <translation>Gewinner</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="114"/>
        <source>Margin</source>
        <translation>Abstand</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="116"/>
        <source>Resolved</source>
        <translation>Aufgelöst</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="118"/>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="120"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/conflicttablemodel.cpp" line="122"/>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
</context>
<context>
    <name>inspect::ExpertPanel</name>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="53"/>
        <source>c_t, λ_t</source>
        <translation>c_t, λ_t</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="64"/>
        <source>critique c_t</source>
        <translation>Kritik c_t</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="67"/>
        <source>halting λ_t</source>
        <translation>Anhalten λ_t</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="74"/>
        <source>draft right</source>
        <translation>Entwurf richtig</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="79"/>
        <source>draft wrong</source>
        <translation>Entwurf falsch</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="114"/>
        <source>reflection step t</source>
        <translation>Reflexionsschritt t</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="115"/>
        <source>class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="130"/>
        <location filename="../widgets/inspect/expertpanel.cpp" line="133"/>
        <source>draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="217"/>
        <source>class
t=%1: pred %2 %3  c=%4  λ=%5</source>
        <translation>Klasse
t=%1: Vorhersage %2 %3  c=%4  λ=%5</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="224"/>
        <source>class
halted at t=%1: pred %2 %3</source>
        <translation>Klasse
angehalten bei t=%1: Vorhersage %2 %3</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="234"/>
        <source>Expert %1  ·  gate %2  ·  router p %3  ·  halted at t=%4  ·  answer %5 %6  ·  confidence %7%8</source>
        <translation>Experte %1  ·  Gate %2  ·  Router-p %3  ·  angehalten bei t=%4  ·  Antwort %5 %6  ·  Konfidenz %7%8</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/expertpanel.cpp" line="244"/>
        <source>  ·  +%1 re-reflection</source>
        <translation>  ·  +%1 erneute Reflexion</translation>
    </message>
</context>
<context>
    <name>inspect::InputPreview</name>
    <message>
        <location filename="../widgets/inspect/inputpreview.cpp" line="49"/>
        <source>no input stored</source>
        <translation>keine Eingabe gespeichert</translation>
    </message>
</context>
<context>
    <name>inspect::IntegrationPanel</name>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="35"/>
        <source>fusion weight w_j</source>
        <translation>Fusionsgewicht w_j</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="36"/>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="42"/>
        <source>conflict score D</source>
        <translation>Konfliktwert D</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="44"/>
        <source>D</source>
        <translation>D</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="59"/>
        <source>fused answer</source>
        <translation>fusionierte Antwort</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="60"/>
        <source>class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="80"/>
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="87"/>
        <source>winner E%1</source>
        <translation>Gewinner E%1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="110"/>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="110"/>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="108"/>
        <source>Integration: answer %1 %2 (label %3)  ·  conflict D = %4 %5 %6</source>
        <translation>Integration: Antwort %1 %2 (Label %3)  ·  Konflikt D = %4 %5 %6</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="116"/>
        <source>  ·  %1, winner E%2, margin %3</source>
        <translation>  ·  %1, Gewinner E%2, Abstand %3</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/integrationpanel.cpp" line="121"/>
        <source>  ·  no conflict, margin %1</source>
        <translation>  ·  kein Konflikt, Abstand %1</translation>
    </message>
</context>
<context>
    <name>inspect::RoutingAggregatePlot</name>
    <message>
        <location filename="../widgets/inspect/routingaggregateplot.cpp" line="18"/>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingaggregateplot.cpp" line="21"/>
        <source>Mean routing probability</source>
        <translation>Mittlere Routing-Wahrscheinlichkeit</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingaggregateplot.cpp" line="55"/>
        <source>domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingaggregateplot.cpp" line="55"/>
        <source>class</source>
        <translation>Klasse</translation>
    </message>
</context>
<context>
    <name>inspect::RoutingHeatmap</name>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="26"/>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="27"/>
        <source>input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="35"/>
        <source>routing probability p</source>
        <translation>Routing-Wahrscheinlichkeit p</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="226"/>
        <source>input (%1, in log order)</source>
        <translation>Eingabe (%1, in Log-Reihenfolge)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="231"/>
        <source>class %1</source>
        <translation>Klasse %1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="232"/>
        <source>domain %1</source>
        <translation>Domäne %1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="233"/>
        <source>top E%1</source>
        <translation>bester E%1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="267"/>
        <source>input (%1)</source>
        <translation>Eingabe (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="327"/>
        <source>input #%1 (class %2, domain %3)
expert E%4: p = %5%6</source>
        <translation>Eingabe #%1 (Klasse %2, Domäne %3)
Experte E%4: p = %5%6</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="333"/>
        <source>, selected</source>
        <translation>, ausgewählt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingheatmap.cpp" line="337"/>
        <source>
click: open in the stepper</source>
        <translation>
Klick: in der Reflexions-Schrittfolge öffnen</translation>
    </message>
</context>
<context>
    <name>inspect::RoutingLoadPlot</name>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="74"/>
        <source>Load per expert</source>
        <translation>Last je Experte</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="76"/>
        <source>fraction routed</source>
        <translation>Anteil geroutet</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="80"/>
        <source>mean p</source>
        <translation>mittleres p</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="90"/>
        <source>fraction of inputs</source>
        <translation>Anteil der Eingaben</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/routingloadplot.cpp" line="108"/>
        <source>ideal %1</source>
        <translation>ideal %1</translation>
    </message>
</context>
<context>
    <name>inspect::SamplePicker</name>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="27"/>
        <source>Deepest reflection first</source>
        <translation>Tiefste Reflexion zuerst</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="28"/>
        <source>◀ Previous</source>
        <translation>◀ Zurück</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="28"/>
        <source>Next ▶</source>
        <translation>Weiter ▶</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="35"/>
        <source>Training step of the evaluation (checkpoint) whose traces are shown</source>
        <translation>Trainingsschritt der Evaluation (Checkpoint), deren Traces gezeigt werden</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="37"/>
        <source>Evaluation step</source>
        <translation>Evaluationsschritt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="38"/>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="61"/>
        <source>%1 inputs</source>
        <translation>%1 Eingaben</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="62"/>
        <location filename="../widgets/inspect/samplepicker.cpp" line="197"/>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="77"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="106"/>
        <source>All inputs</source>
        <translation>Alle Eingaben</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="107"/>
        <source>Wrong answers</source>
        <translation>Falsche Antworten</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="108"/>
        <source>Conflicted</source>
        <translation>Mit Konflikt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="110"/>
        <source>Class %1</source>
        <translation>Klasse %1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="115"/>
        <source>Domain %1</source>
        <translation>Domäne %1</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="177"/>
        <source>#%1  y=%2 → %3 %4  depth %5%6</source>
        <translation>#%1  y=%2 → %3 %4  Tiefe %5%6</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="183"/>
        <source>  conflict</source>
        <translation>  Konflikt</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/samplepicker.cpp" line="196"/>
        <source>no input matches</source>
        <translation>keine passende Eingabe</translation>
    </message>
</context>
<context>
    <name>inspect::StepCursorBar</name>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="13"/>
        <source>First</source>
        <translation>Erster</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="14"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="14"/>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="130"/>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="15"/>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="15"/>
        <source>Last</source>
        <translation>Letzter</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="35"/>
        <source>Play speed</source>
        <translation>Abspielgeschwindigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="47"/>
        <source>Speed</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <location filename="../widgets/inspect/stepcursorbar.cpp" line="130"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/studio/main.cpp" line="38"/>
        <source>Workbench for Mixture-of-Reflection models</source>
        <translation>Werkbank für Mixture-of-Reflection-Modelle</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="43"/>
        <source>Experiment log to open (default: the user&apos;s log)</source>
        <translation>Zu öffnendes Experiment-Log (Standard: das Log des Benutzers)</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="46"/>
        <source>Load a bundled demo</source>
        <translation>Eine mitgelieferte Demo laden</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="50"/>
        <source>Save a picture of the window after 1.5 s and quit</source>
        <translation>Nach 1,5 s ein Bild des Fensters speichern und beenden</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="54"/>
        <source>View to show: setup, training, stepper, routing, conflicts</source>
        <translation>Anzuzeigende Ansicht: setup, training, stepper, routing, conflicts</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="58"/>
        <source>Theme: light or dark</source>
        <translation>Farbschema: light oder dark</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="61"/>
        <source>Language: en or de</source>
        <translation>Sprache: en oder de</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="64"/>
        <source>Select this run id</source>
        <translation>Diese Lauf-ID auswählen</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="68"/>
        <source>Milliseconds to wait before the screenshot (default 1500)</source>
        <translation>Millisekunden bis zum Bildschirmfoto (Standard 1500)</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="73"/>
        <source>Start training the loaded config right away</source>
        <translation>Die geladene Konfiguration sofort trainieren</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="76"/>
        <source>Start in presentation mode (large fonts)</source>
        <translation>Im Präsentationsmodus starten (große Schrift)</translation>
    </message>
</context>
</TS>
