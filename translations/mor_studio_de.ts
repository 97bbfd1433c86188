<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>DepthBlocks</name>
    <message>
        <source>not recorded</source>
        <translation>nicht aufgezeichnet</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>EngineAccess</name>
    <message>
        <source>this program has no training engine (it only reads logs): train, trace and generate in MoR Studio or with the mor command</source>
        <translation>dieses Programm hat keine Trainings-Engine (es liest nur Logs): Trainieren, Verfolgen und Erzeugen in MoR Studio oder mit dem Befehl mor</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Dead expert(s): %1 (routed &lt; 1% of inputs)</source>
        <translation>Ungenutzte Experten: %1 (&lt; 1 % der Eingaben geroutet)</translation>
    </message>
    <message>
        <source>Imbalance: E%1 takes %2× its fair share (%3 vs ideal %4)</source>
        <translation>Ungleichgewicht: E%1 erhält das %2-Fache seines fairen Anteils (%3 statt ideal %4)</translation>
    </message>
    <message>
        <source>Imbalance: E%1 gets only %2 of inputs (ideal %3)</source>
        <translation>Ungleichgewicht: E%1 erhält nur %2 der Eingaben (ideal %3)</translation>
    </message>
    <message>
        <source>%1: unknown image format &quot;%2&quot; (use .png, .svg or .pdf)</source>
        <translation>%1: unbekanntes Bildformat „%2“ (verwenden Sie .png, .svg oder .pdf)</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>%1 ließ sich nicht schreiben</translation>
    </message>
    <message>
        <source>Export image…</source>
        <translation>Bild exportieren…</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>Bild kopieren</translation>
    </message>
    <message>
        <source>Cannot create the folder %1</source>
        <translation>Der Ordner %1 lässt sich nicht anlegen</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>Höhe</translation>
    </message>
    <message>
        <source>Resolution (DPI)</source>
        <translation>Auflösung (DPI)</translation>
    </message>
    <message>
        <source>No token went through %1</source>
        <translation>Kein Token hat %1 durchlaufen</translation>
    </message>
</context>
<context>
    <name>RunExport</name>
    <message>
        <source>Cannot export the traces: %1</source>
        <translation>Die Spuren lassen sich nicht exportieren: %1</translation>
    </message>
    <message>
        <source>Cannot export the metrics: %1</source>
        <translation>Die Metriken lassen sich nicht exportieren: %1</translation>
    </message>
</context>
<context>
    <name>TraceFeatures</name>
    <message>
        <source>width %1 units</source>
        <translation>Breite %1 Einheiten</translation>
    </message>
    <message>
        <source>width not recorded</source>
        <translation>Breite nicht aufgezeichnet</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>nicht aufgezeichnet</translation>
    </message>
    <message>
        <source>%1 units (E%2)</source>
        <translation>%1 Einheiten (E%2)</translation>
    </message>
    <message>
        <source>not recorded (E%1)</source>
        <translation>nicht aufgezeichnet (E%1)</translation>
    </message>
    <message>
        <source>&lt;br&gt;nested width: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;br&gt;verschachtelte Breite: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>%1&amp;nbsp;u:&amp;nbsp;%2</source>
        <translation>%1&amp;nbsp;E:&amp;nbsp;%2</translation>
    </message>
    <message>
        <source>not&amp;nbsp;recorded:&amp;nbsp;%1</source>
        <translation>nicht&amp;nbsp;aufgezeichnet:&amp;nbsp;%1</translation>
    </message>
    <message>
        <source>&lt;br&gt;traced inputs per width: %1</source>
        <translation>&lt;br&gt;verfolgte Eingaben je Breite: %1</translation>
    </message>
    <message>
        <source>&lt;br&gt;expert group: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;br&gt;Expertengruppe: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>common::RoutingHeatmap</name>
    <message>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>routing probability p</source>
        <translation>Routing-Wahrscheinlichkeit p</translation>
    </message>
    <message>
        <source>input (%1, in log order)</source>
        <translation>Eingabe (%1, in Log-Reihenfolge)</translation>
    </message>
    <message>
        <source>class %1</source>
        <translation>Klasse %1</translation>
    </message>
    <message>
        <source>domain %1</source>
        <translation>Domäne %1</translation>
    </message>
    <message>
        <source>top E%1</source>
        <translation>bester E%1</translation>
    </message>
    <message>
        <source>input (%1)</source>
        <translation>Eingabe (%1)</translation>
    </message>
    <message>
        <source>input #%1 (class %2, domain %3)
expert E%4: p = %5%6</source>
        <translation>Eingabe #%1 (Klasse %2, Domäne %3)
Experte E%4: p = %5%6</translation>
    </message>
    <message>
        <source>, selected</source>
        <translation>, ausgewählt</translation>
    </message>
    <message>
        <source>
click: open in the stepper</source>
        <translation>
Klick: in der Reflexions-Schrittfolge öffnen</translation>
    </message>
    <message>
        <source>E%1
%2 u</source>
        <translation>E%1
%2 E</translation>
    </message>
    <message>
        <source>recursion</source>
        <translation>Rekursion</translation>
    </message>
    <message>
        <source>block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>router score</source>
        <translation>Router-Wert</translation>
    </message>
    <message>
        <source>token (%1, in sequence order)</source>
        <translation>Token (%1, in Sequenz-Reihenfolge)</translation>
    </message>
    <message>
        <source>depth %1</source>
        <translation>Tiefe %1</translation>
    </message>
    <message>
        <source>%1 block(s) used</source>
        <translation>%1 Block/Blöcke genutzt</translation>
    </message>
    <message>
        <source>top r%1</source>
        <translation>bester r%1</translation>
    </message>
    <message>
        <source>top b%1</source>
        <translation>bester b%1</translation>
    </message>
    <message>
        <source>token (%1)</source>
        <translation>Token (%1)</translation>
    </message>
    <message>
        <source>block %1</source>
        <translation>Block %1</translation>
    </message>
    <message>
        <source>recursion %1</source>
        <translation>Rekursion %1</translation>
    </message>
    <message>
        <source>not scored (the token had left before)</source>
        <translation>nicht bewertet (das Token war vorher ausgestiegen)</translation>
    </message>
    <message>
        <source>router score %1, %2</source>
        <translation>Router-Wert %1, %2</translation>
    </message>
    <message>
        <source>went through it</source>
        <translation>durchlaufen</translation>
    </message>
    <message>
        <source>did not go through it</source>
        <translation>nicht durchlaufen</translation>
    </message>
    <message>
        <source>
click: open in the Sequence tab</source>
        <translation>
Klick: im Tab Sequenz öffnen</translation>
    </message>
    <message>
        <source>no router (every token goes through this block)</source>
        <translation>kein Router (jedes Token durchläuft diesen Block)</translation>
    </message>
    <message>
        <source>depth r</source>
        <translation>Tiefe r</translation>
    </message>
    <message>
        <source>router&apos;s P(depth = r)</source>
        <translation>P(Tiefe = r) laut Router</translation>
    </message>
    <message>
        <source>most probable depth %1</source>
        <translation>wahrscheinlichste Tiefe %1</translation>
    </message>
    <message>
        <source>router&apos;s P(depth = %1) %2, %3</source>
        <translation>P(Tiefe = %1) laut Router %2, %3</translation>
    </message>
</context>
<context>
    <name>common::StepCursorBar</name>
    <message>
        <source>First</source>
        <translation>Erster</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>Letzter</translation>
    </message>
    <message>
        <source>Play speed</source>
        <translation>Abspielgeschwindigkeit</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
</context>
<context>
    <name>compare::CompareConfigDiff</name>
    <message>
        <source>Differences only</source>
        <translation>Nur Unterschiede</translation>
    </message>
</context>
<context>
    <name>compare::CompareCurves</name>
    <message>
        <source>wall time (s)</source>
        <translation>Echtzeit (s)</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1: %2 (raw %3, %4)</source>
        <translation>%1: %2 (roh %3, %4)</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <source>seed group %1 (n = %2): mean, 95% CI</source>
        <translation>Seed-Gruppe %1 (n = %2): Mittelwert, 95-%-KI</translation>
    </message>
    <message>
        <source>training FLOPs (forward, inputs seen × FLOPs per input)</source>
        <translation>Trainings-FLOPs (Vorwärts, gesehene Eingaben × FLOPs je Eingabe)</translation>
    </message>
    <message>
        <source>expert-steps (inputs seen × expert-steps per input)</source>
        <translation>Experten-Schritte (gesehene Eingaben × Experten-Schritte je Eingabe)</translation>
    </message>
    <message>
        <source>%1 FLOPs</source>
        <translation>%1 FLOPs</translation>
    </message>
    <message>
        <source>%1 expert-steps</source>
        <translation>%1 Experten-Schritte</translation>
    </message>
    <message>
        <source>, 95% CI [%1, %2]</source>
        <translation>, 95-%-KI [%1, %2]</translation>
    </message>
</context>
<context>
    <name>compare::CompareGroups</name>
    <message>
        <source>Select two groups to compare their final %1 with Welch&apos;s t-test.</source>
        <translation>Wählen Sie zwei Gruppen, um ihr letztes %1 mit Welchs t-Test zu vergleichen.</translation>
    </message>
    <message>
        <source>Welch&apos;s t-test needs two or more runs with a final %1 in each group, and some spread.</source>
        <translation>Welchs t-Test braucht in jeder Gruppe zwei oder mehr Läufe mit einem letzten %1 und etwas Streuung.</translation>
    </message>
    <message>
        <source>Welch&apos;s t-test on the final %1, %2 vs %3: difference of means %4, t = %5, dof = %6, p = %7 (two-sided)%8</source>
        <translation>Welchs t-Test auf dem letzten %1, %2 gegen %3: Differenz der Mittelwerte %4, t = %5, Freiheitsgrade = %6, p = %7 (zweiseitig)%8</translation>
    </message>
    <message>
        <source>: significant at the 5% level.</source>
        <translation>: signifikant auf dem 5-%-Niveau.</translation>
    </message>
    <message>
        <source>: not significant at the 5% level.</source>
        <translation>: nicht signifikant auf dem 5-%-Niveau.</translation>
    </message>
    <message>
        <source>Seed group</source>
        <translation>Seed-Gruppe</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Final value: mean ± 95% CI</source>
        <translation>Endwert: Mittelwert ± 95-%-KI</translation>
    </message>
    <message>
        <source>Final %1: mean ± 95% CI</source>
        <translation>Letztes %1: Mittelwert ± 95-%-KI</translation>
    </message>
</context>
<context>
    <name>compare::ComparePrunePair</name>
    <message>
        <source> pt</source>
        <translation> Pkt.</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Non-zero parameters</source>
        <translation>Parameter ungleich null</translation>
    </message>
    <message>
        <source>FLOPs per input</source>
        <translation>FLOPs je Eingabe</translation>
    </message>
    <message>
        <source>FLOPs per input without zeros</source>
        <translation>FLOPs je Eingabe ohne Nullen</translation>
    </message>
    <message>
        <source>Expert-steps per input</source>
        <translation>Expertenschritte je Eingabe</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>No pruned run among the compared runs. Prune a run (Runs → right-click → Prune…), then select the pruned run: Compare offers “Compare with parent”.</source>
        <translation>Unter den verglichenen Läufen ist kein beschnittener. Beschneiden Sie einen Lauf (Läufe → Rechtsklick → Beschneiden…) und wählen Sie dann den beschnittenen Lauf: Vergleich bietet „Mit Elternlauf vergleichen“ an.</translation>
    </message>
    <message>
        <source>Before: parent #%1</source>
        <translation>Vorher: Elternlauf #%1</translation>
    </message>
    <message>
        <source>After: pruned #%1</source>
        <translation>Nachher: beschnitten #%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (#%2) pruned from &lt;b&gt;%3&lt;/b&gt; (#%4) by %5, measured on the test split by &lt;code&gt;mor prune&lt;/code&gt;.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (#%2) beschnitten aus &lt;b&gt;%3&lt;/b&gt; (#%4) mit %5, gemessen auf dem Testanteil von &lt;code&gt;mor prune&lt;/code&gt;.</translation>
    </message>
    <message>
        <source>a deleted run</source>
        <translation>einem gelöschten Lauf</translation>
    </message>
    <message>
        <source>an unknown method</source>
        <translation>einer unbekannten Methode</translation>
    </message>
    <message>
        <source>Test token accuracy</source>
        <translation>Token-Genauigkeit (Test)</translation>
    </message>
    <message>
        <source>FLOPs per token</source>
        <translation>FLOPs je Token</translation>
    </message>
    <message>
        <source>FLOPs per token without zeros</source>
        <translation>FLOPs je Token ohne Nullen</translation>
    </message>
    <message>
        <source>Test loss (nats per token)</source>
        <translation>Test-Verlust (Nats je Token)</translation>
    </message>
    <message>
        <source>Test loss</source>
        <translation>Test-Verlust</translation>
    </message>
    <message>
        <source>Mean recursion depth</source>
        <translation>Mittlere Rekursionstiefe</translation>
    </message>
    <message>
        <source>Mean reflection depth</source>
        <translation>Mittlere Reflexionstiefe</translation>
    </message>
</context>
<context>
    <name>compare::CompareRoutingPair</name>
    <message>
        <source>(no run with a routing snapshot)</source>
        <translation>(kein Lauf mit Routing-Momentaufnahme)</translation>
    </message>
    <message>
        <source>Both heatmaps use the same fixed colour scale, router probability 0 to 1, so equal colours mean equal probabilities. The first two compared runs with routing snapshots are shown.</source>
        <translation>Beide Heatmaps nutzen dieselbe feste Farbskala (Router-Wahrscheinlichkeit 0 bis 1): Gleiche Farben bedeuten gleiche Wahrscheinlichkeiten. Gezeigt werden die ersten beiden verglichenen Läufe mit Routing-Momentaufnahme.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (#%2), routing at step %3, %4 inputs in rows by class</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (#%2), Routing bei Schritt %3, %4 Eingaben in Zeilen nach Klasse</translation>
    </message>
</context>
<context>
    <name>compare::CompareSummary</name>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Final val acc</source>
        <translation>val-Genauigkeit (letzte)</translation>
    </message>
    <message>
        <source>Best val acc</source>
        <translation>val-Genauigkeit (beste)</translation>
    </message>
    <message>
        <source>Test acc</source>
        <translation>Test-Genauigkeit</translation>
    </message>
    <message>
        <source>Test mean depth</source>
        <translation>Mittlere Tiefe (Test)</translation>
    </message>
    <message>
        <source>Test expert steps</source>
        <translation>Expertenschritte (Test)</translation>
    </message>
    <message>
        <source>Test conflict rate</source>
        <translation>Konfliktrate (Test)</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>Dauer (s)</translation>
    </message>
</context>
<context>
    <name>compare::CompareView</name>
    <message>
        <source>Metric:</source>
        <translation>Metrik:</translation>
    </message>
    <message>
        <source>X axis:</source>
        <translation>X-Achse:</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Wall time</source>
        <translation>Echtzeit</translation>
    </message>
    <message>
        <source>Smoothing: %1</source>
        <translation>Glättung: %1</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>Log-Skala</translation>
    </message>
    <message>
        <source>Group by seed</source>
        <translation>Nach Startwert gruppieren</translation>
    </message>
    <message>
        <source>Reset view</source>
        <translation>Ansicht zurücksetzen</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Config diff</source>
        <translation>Konfig-Unterschiede</translation>
    </message>
    <message>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message numerus="yes">
        <source>Select two or more runs in the run browser to compare them. Showing the latest %n run(s) of the log.</source>
        <translation>
            <numerusform>Wählen Sie in der Laufliste zwei oder mehr Läufe, um sie zu vergleichen. Gezeigt wird der neueste %n Lauf des Logs.</numerusform>
            <numerusform>Wählen Sie in der Laufliste zwei oder mehr Läufe, um sie zu vergleichen. Gezeigt werden die neuesten %n Läufe des Logs.</numerusform>
        </translation>
    </message>
    <message>
        <source>No runs to compare: open a log with runs.</source>
        <translation>Keine Läufe zum Vergleichen: Öffnen Sie ein Log mit Läufen.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>Expert-steps</source>
        <translation>Experten-Schritte</translation>
    </message>
    <message>
        <source>FLOPs and expert-steps: the compute spent by each step, from the per-input cost measured at each evaluation times the inputs seen</source>
        <translation>FLOPs und Experten-Schritte: der Rechenaufwand bis zu jedem Schritt, aus den bei jeder Auswertung gemessenen Kosten je Eingabe mal den gesehenen Eingaben</translation>
    </message>
    <message>
        <source>Runs whose configs differ only in train.seed (a sweep&apos;s configuration over its seeds) are drawn as one mean curve with its 95% confidence band</source>
        <translation>Läufe, deren Konfigurationen sich nur in train.seed unterscheiden (eine Sweep-Konfiguration über ihre Seeds), werden als eine Mittelwertkurve mit ihrem 95-%-Konfidenzband gezeichnet</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Before/after</source>
        <translation>Vorher/nachher</translation>
    </message>
    <message>
        <source>Compare #%1 with its parent #%2</source>
        <translation>#%1 mit seinem Elternlauf #%2 vergleichen</translation>
    </message>
    <message>
        <source>The pruned run and the run it was pruned from, side by side (Before/after tab)</source>
        <translation>Der beschnittene Lauf und der Lauf, aus dem er beschnitten wurde, nebeneinander (Reiter Vorher/nachher)</translation>
    </message>
</context>
<context>
    <name>inspect::CalibrationView</name>
    <message>
        <source>Reliability of the critique</source>
        <translation>Verlässlichkeit der Selbstkritik</translation>
    </message>
    <message>
        <source>critique c (predicted P(right))</source>
        <translation>Kritik c (vorhergesagte P(richtig))</translation>
    </message>
    <message>
        <source>observed accuracy</source>
        <translation>beobachtete Genauigkeit</translation>
    </message>
    <message>
        <source>inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <source>expert drafts</source>
        <translation>Expertenentwürfe</translation>
    </message>
    <message>
        <source>critique bin</source>
        <translation>Kritik-Klasse</translation>
    </message>
    <message>
        <source>ECE per reflection step</source>
        <translation>ECE je Reflexionsschritt</translation>
    </message>
    <message>
        <source>reflection step t</source>
        <translation>Reflexionsschritt t</translation>
    </message>
    <message>
        <source>ECE</source>
        <translation>ECE</translation>
    </message>
    <message>
        <source>ECE over training (validation)</source>
        <translation>ECE im Training (Validierung)</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>Trainingsschritt</translation>
    </message>
    <message>
        <source>Diagram of</source>
        <translation>Diagramm von</translation>
    </message>
    <message>
        <source>Overlay run</source>
        <translation>Lauf überlagern</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>run %1: %2</source>
        <translation>Lauf %1: %2</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source>no checkpoint to re-run</source>
        <translation>kein Checkpoint zum erneuten Ausführen</translation>
    </message>
    <message>
        <source>critique at step t = %1</source>
        <translation>Kritik bei Schritt t = %1</translation>
    </message>
    <message>
        <source>answer critique (logged)</source>
        <translation>Antwort-Kritik (geloggt)</translation>
    </message>
    <message>
        <source>No run selected.</source>
        <translation>Kein Lauf gewählt.</translation>
    </message>
    <message>
        <source>No run open.</source>
        <translation>Kein Lauf geöffnet.</translation>
    </message>
    <message>
        <source>Diagrams: the last checkpoint re-run on %1 logged inputs.</source>
        <translation>Diagramme: der letzte Checkpoint, erneut ausgeführt auf %1 geloggten Eingaben.</translation>
    </message>
    <message>
        <source>Diagrams: the %1 logged probe traces of the last evaluation.</source>
        <translation>Diagramme: die %1 geloggten Proben-Spuren der letzten Auswertung.</translation>
    </message>
    <message>
        <source>Re-running the checkpoint on every logged input …</source>
        <translation>Der Checkpoint wird auf jeder geloggten Eingabe erneut ausgeführt …</translation>
    </message>
    <message>
        <source>(%1)</source>
        <translation>(%1)</translation>
    </message>
    <message>
        <source>%1 (overlay)</source>
        <translation>%1 (überlagert)</translation>
    </message>
    <message>
        <source>%1 ECE %2</source>
        <translation>%1 ECE %2</translation>
    </message>
    <message>
        <source>answer critique, last validation</source>
        <translation>Antwort-Kritik, letzte Validierung</translation>
    </message>
    <message>
        <source>Reliability: %1 (no data)</source>
        <translation>Verlässlichkeit: %1 (keine Daten)</translation>
    </message>
    <message>
        <source>Reliability: %1
%2</source>
        <translation>Verlässlichkeit: %1
%2</translation>
    </message>
    <message>
        <source>ECE per reflection step (last validation, logged)</source>
        <translation>ECE je Reflexionsschritt (letzte Validierung, geloggt)</translation>
    </message>
    <message>
        <source>ECE per reflection step (traced inputs)</source>
        <translation>ECE je Reflexionsschritt (verfolgte Eingaben)</translation>
    </message>
    <message>
        <source>%1 answer</source>
        <translation>%1 Antwort</translation>
    </message>
    <message>
        <source>%1 t=%2</source>
        <translation>%1 t=%2</translation>
    </message>
    <message>
        <source>no traces</source>
        <translation>keine Spuren</translation>
    </message>
</context>
<context>
    <name>inspect::ConflictPlots</name>
    <message>
        <source>Conflict score histogram</source>
        <translation>Histogramm der Konfliktwerte</translation>
    </message>
    <message>
        <source>conflict score D</source>
        <translation>Konfliktwert D</translation>
    </message>
    <message>
        <source>conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <source>Conflict rate over training</source>
        <translation>Konfliktrate im Training</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>Trainingsschritt</translation>
    </message>
    <message>
        <source>Resolved accuracy vs score</source>
        <translation>Genauigkeit nach Auflösung je Konfliktwert</translation>
    </message>
    <message>
        <source>conflict score D (binned)</source>
        <translation>Konfliktwert D (in Intervallen)</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source> threshold %1</source>
        <translation> Schwelle %1</translation>
    </message>
</context>
<context>
    <name>inspect::ConflictTableModel</name>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <source>Double-click to open input #%1 in the stepper at the integration</source>
        <translation>Doppelklick öffnet Eingabe #%1 in der Reflexions-Schrittfolge bei der Integration</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>Score D</source>
        <translation>Wert D</translation>
    </message>
    <message>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <source>Winner</source>
        <translation>Gewinner</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>Abstand</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Aufgelöst</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
</context>
<context>
    <name>inspect::ConflictView</name>
    <message>
        <source>Filter: input, expert (E2), resolution…</source>
        <translation>Filter: Eingabe, Experte (E2), Auflösung…</translation>
    </message>
    <message>
        <source>Wrong only</source>
        <translation>Nur falsche</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>val/conflict_rate</source>
        <translation>val/conflict_rate</translation>
    </message>
    <message>
        <source>conflicts per probe input</source>
        <translation>Konflikte je Probe-Eingabe</translation>
    </message>
    <message>
        <source>All steps</source>
        <translation>Alle Schritte</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>%1 of %2 conflicts</source>
        <translation>%1 von %2 Konflikten</translation>
    </message>
    <message>
        <source>This run selects one expert per input (%1, top_k 1): conflicts need at least 2 selected experts.</source>
        <translation>Dieser Lauf wählt einen Experten je Eingabe (%1, top_k 1): Konflikte brauchen mindestens 2 gewählte Experten.</translation>
    </message>
</context>
<context>
    <name>inspect::CounterfactualControls</name>
    <message>
        <source>No critique feedback</source>
        <translation>Keine Kritik-Rückmeldung</translation>
    </message>
    <message>
        <source>Own gates</source>
        <translation>Eigene Gates</translation>
    </message>
    <message>
        <source>Run what-if</source>
        <translation>Was-wäre-wenn ausführen</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>t = </source>
        <translation>t = </translation>
    </message>
    <message>
        <source>Every selected expert stops at this step and answers with its draft and critique of that step (its halting policy is not asked)</source>
        <translation>Jeder gewählte Experte hält bei diesem Schritt an und antwortet mit Entwurf und Kritik dieses Schritts (seine Halteregel wird nicht gefragt)</translation>
    </message>
    <message>
        <source>Every selected expert runs to its maximum depth and then this many steps more</source>
        <translation>Jeder gewählte Experte läuft bis zu seiner maximalen Tiefe und dann so viele Schritte weiter</translation>
    </message>
    <message>
        <source>The cell reads a zero critique at every step instead of its own last one</source>
        <translation>Die Zelle liest in jedem Schritt eine Kritik von null statt ihrer eigenen letzten</translation>
    </message>
    <message>
        <source>Forced routing: use the gates set here instead of the router&apos;s p for the chosen experts</source>
        <translation>Erzwungenes Routing: für die gewählten Experten die hier gesetzten Gates statt des p des Routers verwenden</translation>
    </message>
    <message>
        <source>Halt every expert at</source>
        <translation>Jeden Experten anhalten bei</translation>
    </message>
    <message>
        <source>Extra steps</source>
        <translation>Zusätzliche Schritte</translation>
    </message>
    <message>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <source>Veto</source>
        <translation>Veto</translation>
    </message>
    <message>
        <source>Force route</source>
        <translation>Routing erzwingen</translation>
    </message>
    <message>
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <source>Drop expert %1 from every selection and fuse the rest</source>
        <translation>Experte %1 aus jeder Auswahl nehmen und die übrigen fusionieren</translation>
    </message>
    <message>
        <source>Route the input to exactly the checked experts</source>
        <translation>Die Eingabe genau an die angehakten Experten leiten</translation>
    </message>
    <message>
        <source>halt at t=%1</source>
        <translation>Halt bei t=%1</translation>
    </message>
    <message numerus="yes">
        <source>%n extra step(s)</source>
        <translation>
            <numerusform>%n zusätzlicher Schritt</numerusform>
            <numerusform>%n zusätzliche Schritte</numerusform>
        </translation>
    </message>
    <message>
        <source>veto %1</source>
        <translation>Veto %1</translation>
    </message>
    <message>
        <source>route to %1</source>
        <translation>Routing an %1</translation>
    </message>
    <message>
        <source> (gates %1)</source>
        <translation> (Gates %1)</translation>
    </message>
    <message>
        <source>no critique feedback</source>
        <translation>keine Kritik-Rückmeldung</translation>
    </message>
    <message>
        <source>no change</source>
        <translation>keine Änderung</translation>
    </message>
</context>
<context>
    <name>inspect::CounterfactualSummary</name>
    <message>
        <source>Compute counterfactual accuracies</source>
        <translation>Kontrafaktische Genauigkeiten berechnen</translation>
    </message>
    <message>
        <source>Evaluates the checkpoint on the test split once per row (the same numbers as mor eval --counterfactual)</source>
        <translation>Wertet den Checkpoint einmal je Zeile auf dem Testteil aus (dieselben Zahlen wie mor eval --counterfactual)</translation>
    </message>
    <message>
        <source>What if</source>
        <translation>Was wäre wenn</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>vs. model</source>
        <translation>ggü. Modell</translation>
    </message>
    <message>
        <source>Expert-steps / input</source>
        <translation>Experten-Schritte / Eingabe</translation>
    </message>
    <message>
        <source>Test accuracy if …</source>
        <translation>Testgenauigkeit, wenn …</translation>
    </message>
    <message>
        <source>test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>Evaluating the checkpoint on the test split, once per row …</source>
        <translation>Der Checkpoint wird auf dem Testteil ausgewertet, einmal je Zeile …</translation>
    </message>
    <message>
        <source>Could not compute the table: %1</source>
        <translation>Die Tabelle ließ sich nicht berechnen: %1</translation>
    </message>
    <message>
        <source>No run open.</source>
        <translation>Kein Lauf geöffnet.</translation>
    </message>
    <message>
        <source>Is the router, the critique or the k-th step doing any work? Compute the test accuracy of the checkpoint under each change.</source>
        <translation>Leisten Router, Kritik oder der k-te Schritt etwas? Berechnen Sie die Testgenauigkeit des Checkpoints unter jeder Änderung.</translation>
    </message>
    <message>
        <source>Checkpoint of step %1, %2 test inputs, maximum depth %3. &quot;halt at t=%3&quot; is the fixed-depth accuracy.</source>
        <translation>Checkpoint von Schritt %1, %2 Testeingaben, maximale Tiefe %3. „Halt bei t=%3“ ist die Genauigkeit bei fester Tiefe.</translation>
    </message>
    <message>
        <source>the model as trained</source>
        <translation>das Modell wie trainiert</translation>
    </message>
    <message>
        <source>halt at t=%1 (fixed depth)</source>
        <translation>Halt bei t=%1 (feste Tiefe)</translation>
    </message>
    <message>
        <source>halt at t=%1</source>
        <translation>Halt bei t=%1</translation>
    </message>
    <message>
        <source>veto expert E%1</source>
        <translation>Veto gegen Experte E%1</translation>
    </message>
    <message>
        <source>route all to E%1 (best fixed expert)</source>
        <translation>alles an E%1 leiten (bester fester Experte)</translation>
    </message>
    <message>
        <source>route all to E%1</source>
        <translation>alles an E%1 leiten</translation>
    </message>
</context>
<context>
    <name>inspect::CounterfactualView</name>
    <message>
        <source>No input selected: pick one in the list on the left.</source>
        <translation>Keine Eingabe gewählt: wählen Sie eine in der Liste links.</translation>
    </message>
    <message>
        <source>No run open.</source>
        <translation>Kein Lauf geöffnet.</translation>
    </message>
    <message>
        <source>Input #%1 on the checkpoint of evaluation step %2 (or the last one before it).</source>
        <translation>Eingabe #%1 auf dem Checkpoint des Auswertungsschritts %2 (oder dem letzten davor).</translation>
    </message>
    <message>
        <source>Choose a change above and press Run what-if.</source>
        <translation>Wählen Sie oben eine Änderung und drücken Sie „Was-wäre-wenn ausführen“.</translation>
    </message>
    <message>
        <source>Running the checkpoint on input #%1: %2 …</source>
        <translation>Der Checkpoint läuft auf Eingabe #%1: %2 …</translation>
    </message>
    <message>
        <source>The what-if could not be computed: %1</source>
        <translation>Das Was-wäre-wenn ließ sich nicht berechnen: %1</translation>
    </message>
    <message>
        <source>no trace</source>
        <translation>keine Spur</translation>
    </message>
</context>
<context>
    <name>inspect::ExpertPanel</name>
    <message>
        <source>c_t, λ_t</source>
        <translation>c_t, λ_t</translation>
    </message>
    <message>
        <source>critique c_t</source>
        <translation>Kritik c_t</translation>
    </message>
    <message>
        <source>halting λ_t</source>
        <translation>Anhalten λ_t</translation>
    </message>
    <message>
        <source>draft right</source>
        <translation>Entwurf richtig</translation>
    </message>
    <message>
        <source>draft wrong</source>
        <translation>Entwurf falsch</translation>
    </message>
    <message>
        <source>reflection step t</source>
        <translation>Reflexionsschritt t</translation>
    </message>
    <message>
        <source>class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>class
t=%1: pred %2 %3  c=%4  λ=%5</source>
        <translation>Klasse
t=%1: Vorhersage %2 %3  c=%4  λ=%5</translation>
    </message>
    <message>
        <source>class
halted at t=%1: pred %2 %3</source>
        <translation>Klasse
angehalten bei t=%1: Vorhersage %2 %3</translation>
    </message>
    <message>
        <source>Expert %1  ·  gate %2  ·  router p %3  ·  halted at t=%4  ·  answer %5 %6  ·  confidence %7%8</source>
        <translation>Experte %1  ·  Gate %2  ·  Router-p %3  ·  angehalten bei t=%4  ·  Antwort %5 %6  ·  Konfidenz %7%8</translation>
    </message>
    <message>
        <source>  ·  +%1 re-reflection</source>
        <translation>  ·  +%1 erneute Reflexion</translation>
    </message>
    <message>
        <source>  ·  uncertainty u = %1</source>
        <translation>  ·  Unsicherheit u = %1</translation>
    </message>
    <message>
        <source>width %1 units</source>
        <translation>Breite %1 Einheiten</translation>
    </message>
</context>
<context>
    <name>inspect::GroupExpertHeatmap</name>
    <message>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Expert groups: traced inputs per group × expert</source>
        <translation>Expertengruppen: verfolgte Eingaben je Gruppe × Experte</translation>
    </message>
    <message numerus="yes">
        <source>%n traced input(s)</source>
        <translation>
            <numerusform>%n verfolgte Eingabe</numerusform>
            <numerusform>%n verfolgte Eingaben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; group not recorded for %n input(s)</source>
        <translation>
            <numerusform>; Gruppe für %n Eingabe nicht aufgezeichnet</numerusform>
            <numerusform>; Gruppe für %n Eingaben nicht aufgezeichnet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n input(s)</source>
        <translation>
            <numerusform>%n Eingabe</numerusform>
            <numerusform>%n Eingaben</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>inspect::InputPreview</name>
    <message>
        <source>no input stored</source>
        <translation>keine Eingabe gespeichert</translation>
    </message>
    <message>
        <source>feature %1 = %2</source>
        <translation>Merkmal %1 = %2</translation>
    </message>
    <message>
        <source>Read at this reflection step: %1</source>
        <translation>In diesem Reflexionsschritt gelesen: %1</translation>
    </message>
</context>
<context>
    <name>inspect::IntegrationPanel</name>
    <message>
        <source>fusion weight w_j</source>
        <translation>Fusionsgewicht w_j</translation>
    </message>
    <message>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>conflict score D</source>
        <translation>Konfliktwert D</translation>
    </message>
    <message>
        <source>D</source>
        <translation>D</translation>
    </message>
    <message>
        <source>fused answer</source>
        <translation>fusionierte Antwort</translation>
    </message>
    <message>
        <source>class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <source>winner E%1</source>
        <translation>Gewinner E%1</translation>
    </message>
    <message>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <source>Integration: answer %1 %2 (label %3)  ·  conflict D = %4 %5 %6</source>
        <translation>Integration: Antwort %1 %2 (Label %3)  ·  Konflikt D = %4 %5 %6</translation>
    </message>
    <message>
        <source>  ·  %1, winner E%2, margin %3</source>
        <translation>  ·  %1, Gewinner E%2, Abstand %3</translation>
    </message>
    <message>
        <source>  ·  no conflict, margin %1</source>
        <translation>  ·  kein Konflikt, Abstand %1</translation>
    </message>
    <message>
        <source>Integration: answer %1 %2 (label %3)  ·  one expert selected: conflicts need at least 2 (raise top_k)</source>
        <translation>Integration: Antwort %1 %2 (Label %3)  ·  ein Experte gewählt: Konflikte brauchen mindestens 2 (top_k erhöhen)</translation>
    </message>
    <message>
        <source> → %1 after re-reflection</source>
        <translation> → %1 nach erneuter Reflexion</translation>
    </message>
</context>
<context>
    <name>inspect::RecursionRouting</name>
    <message>
        <source>, target %1</source>
        <translation>, Ziel %1</translation>
    </message>
    <message>
        <source>sequence #%1, token %2 %3%4: %5 of %6 blocks</source>
        <translation>Sequenz #%1, Token %2 %3%4: %5 von %6 Blöcken</translation>
    </message>
    <message>
        <source>sequence #%1, token %2 %3%4: depth %5 of %6</source>
        <translation>Sequenz #%1, Token %2 %3%4: Tiefe %5 von %6</translation>
    </message>
</context>
<context>
    <name>inspect::ReflectionStepperView</name>
    <message>
        <source>Router p and gates g</source>
        <translation>Router-p und Gates g</translation>
    </message>
    <message>
        <source>p, selected</source>
        <translation>p, ausgewählt</translation>
    </message>
    <message>
        <source>p, not run</source>
        <translation>p, nicht ausgeführt</translation>
    </message>
    <message>
        <source>gate g</source>
        <translation>Gate g</translation>
    </message>
    <message>
        <source>Open a run with traces: pick an evaluation step and an input on the left.</source>
        <translation>Öffnen Sie einen Lauf mit Traces: Wählen Sie links einen Evaluationsschritt und eine Eingabe.</translation>
    </message>
    <message>
        <source>Input #%1 is not a probe input: running the checkpoint of step %2 on it…</source>
        <translation>Eingabe #%1 ist keine Probe-Eingabe: Der Checkpoint von Schritt %2 wird darauf ausgeführt…</translation>
    </message>
    <message>
        <source>Input #%1 has no logged trace at step %2, and re-running the checkpoint failed: %3</source>
        <translation>Eingabe #%1 hat bei Schritt %2 keine protokollierte Trace, und die erneute Ausführung des Checkpoints schlug fehl: %3</translation>
    </message>
    <message>
        <source>No traced input selected.</source>
        <translation>Keine verfolgte Eingabe gewählt.</translation>
    </message>
    <message>
        <source>No run open.</source>
        <translation>Kein Lauf geöffnet.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Input #%1&lt;/b&gt; (step %2)&lt;br&gt;%3&lt;br&gt;label &lt;b&gt;%4&lt;/b&gt;, domain %5&lt;br&gt;final answer &lt;b style=&apos;color:%6&apos;&gt;%7 (%8)&lt;/b&gt;&lt;br&gt;%9 expert(s), %10 expert-steps</source>
        <translation>&lt;b&gt;Eingabe #%1&lt;/b&gt; (Schritt %2)&lt;br&gt;%3&lt;br&gt;Label &lt;b&gt;%4&lt;/b&gt;, Domäne %5&lt;br&gt;endgültige Antwort &lt;b style=&apos;color:%6&apos;&gt;%7 (%8)&lt;/b&gt;&lt;br&gt;%9 Experte(n), %10 Expertenschritte</translation>
    </message>
    <message>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <source>Integration (after %1 iterations)</source>
        <translation>Integration (nach %1 Iterationen)</translation>
    </message>
    <message>
        <source>Reflection step t = %1 of %2</source>
        <translation>Reflexionsschritt t = %1 von %2</translation>
    </message>
    <message>
        <source>Input #%1 has no reflection trace at step %2: only the probe inputs are traced. Pick one on the left.</source>
        <translation>Eingabe #%1 hat bei Schritt %2 keine Reflexions-Trace: Nur die Probe-Eingaben werden verfolgt. Wählen Sie links eine.</translation>
    </message>
    <message>
        <source>Reflection</source>
        <translation>Reflexion</translation>
    </message>
    <message>
        <source>What if</source>
        <translation>Was wäre wenn</translation>
    </message>
    <message>
        <source>Run summary</source>
        <translation>Laufübersicht</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Kalibrierung</translation>
    </message>
</context>
<context>
    <name>inspect::RoutingAggregatePlot</name>
    <message>
        <source>expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>Mean routing probability</source>
        <translation>Mittlere Routing-Wahrscheinlichkeit</translation>
    </message>
    <message>
        <source>domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <source>class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>E%1
%2 u</source>
        <translation>E%1
%2 E</translation>
    </message>
    <message>
        <source>Mean router score</source>
        <translation>Mittlerer Router-Wert</translation>
    </message>
    <message>
        <source>recursion</source>
        <translation>Rekursion</translation>
    </message>
    <message>
        <source>block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>difficulty class</source>
        <translation>Schwierigkeitsklasse</translation>
    </message>
    <message>
        <source>depth</source>
        <translation>Tiefe</translation>
    </message>
    <message>
        <source>blocks used</source>
        <translation>genutzte Blöcke</translation>
    </message>
    <message>
        <source>Router&apos;s mean P(depth = r)</source>
        <translation>Mittleres P(Tiefe = r) laut Router</translation>
    </message>
    <message>
        <source>depth r</source>
        <translation>Tiefe r</translation>
    </message>
</context>
<context>
    <name>inspect::RoutingLoadPlot</name>
    <message>
        <source>Load per expert</source>
        <translation>Last je Experte</translation>
    </message>
    <message>
        <source>fraction routed</source>
        <translation>Anteil geroutet</translation>
    </message>
    <message>
        <source>mean p</source>
        <translation>mittleres p</translation>
    </message>
    <message>
        <source>fraction of inputs</source>
        <translation>Anteil der Eingaben</translation>
    </message>
    <message>
        <source>ideal %1</source>
        <translation>ideal %1</translation>
    </message>
    <message>
        <source>Tokens per recursion</source>
        <translation>Token je Rekursion</translation>
    </message>
    <message>
        <source>Tokens per block</source>
        <translation>Token je Block</translation>
    </message>
    <message>
        <source>fraction of tokens</source>
        <translation>Anteil der Token</translation>
    </message>
    <message>
        <source>mean router score</source>
        <translation>mittlerer Router-Wert</translation>
    </message>
    <message>
        <source>router&apos;s mean P(depth = r)</source>
        <translation>mittleres P(Tiefe = r) laut Router</translation>
    </message>
</context>
<context>
    <name>inspect::RoutingView</name>
    <message>
        <source>Input (log order)</source>
        <translation>Eingabe (Log-Reihenfolge)</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <source>Top expert</source>
        <translation>Bester Experte</translation>
    </message>
    <message>
        <source>Class × expert</source>
        <translation>Klasse × Experte</translation>
    </message>
    <message>
        <source>Domain × expert</source>
        <translation>Domäne × Experte</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Sort rows by</source>
        <translation>Zeilen sortieren nach</translation>
    </message>
    <message>
        <source>Aggregate</source>
        <translation>Aggregat</translation>
    </message>
    <message>
        <source>Evolution</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>no routing logged</source>
        <translation>kein Routing protokolliert</translation>
    </message>
    <message>
        <source>step %1 (%2 / %3)</source>
        <translation>Schritt %1 (%2 / %3)</translation>
    </message>
    <message>
        <source>No traced inputs at or before this step.</source>
        <translation>Keine verfolgten Eingaben bis zu diesem Schritt.</translation>
    </message>
    <message>
        <source>step %1, traced from its checkpoint</source>
        <translation>Schritt %1, aus seinem Checkpoint verfolgt</translation>
    </message>
    <message>
        <source>probe inputs of step %1 from the log</source>
        <translation>Probe-Eingaben von Schritt %1 aus dem Log</translation>
    </message>
    <message>
        <source>step %1; re-running its checkpoint failed: %2</source>
        <translation>Schritt %1; erneutes Ausführen seines Checkpoints fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>step %1; tracing them through its checkpoint…</source>
        <translation>Schritt %1; sie werden durch seinen Checkpoint verfolgt…</translation>
    </message>
    <message>
        <source>Select a run in the run browser to see how it routes its inputs.</source>
        <translation>Wählen Sie im Lauf-Browser einen Lauf, um zu sehen, wie er seine Eingaben routet.</translation>
    </message>
    <message>
        <source>This run has logged no routing yet. A reflection run shows how it routes its inputs to experts here once its first evaluation is logged; a recursion run shows its tokens&apos; router scores at each recursion once its first evaluation with token traces (train.log_traces) is logged.</source>
        <translation>Dieser Lauf hat noch kein Routing protokolliert. Ein Reflexionslauf zeigt hier, wie er seine Eingaben zu Experten routet, sobald seine erste Auswertung protokolliert ist; ein Rekursionslauf zeigt die Router-Werte seiner Token je Rekursion, sobald seine erste Auswertung mit Token-Spuren (train.log_traces) protokolliert ist.</translation>
    </message>
    <message>
        <source>Token (in sequence order)</source>
        <translation>Token (in Sequenz-Reihenfolge)</translation>
    </message>
    <message>
        <source>Blocks used</source>
        <translation>Genutzte Blöcke</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>Tiefe</translation>
    </message>
    <message>
        <source>Difficulty class</source>
        <translation>Schwierigkeitsklasse</translation>
    </message>
    <message>
        <source>Highest-scoring block</source>
        <translation>Block mit höchstem Wert</translation>
    </message>
    <message>
        <source>Highest-scoring recursion</source>
        <translation>Rekursion mit höchstem Wert</translation>
    </message>
    <message>
        <source>Blocks used × block</source>
        <translation>Genutzte Blöcke × Block</translation>
    </message>
    <message>
        <source>Depth × recursion</source>
        <translation>Tiefe × Rekursion</translation>
    </message>
    <message>
        <source>Difficulty class × block</source>
        <translation>Schwierigkeitsklasse × Block</translation>
    </message>
    <message>
        <source>Difficulty class × recursion</source>
        <translation>Schwierigkeitsklasse × Rekursion</translation>
    </message>
    <message>
        <source>This run&apos;s model has no router (routing “%1”): every token goes through the recursions the model fixes. The Sequence tab shows what each recursion predicted.</source>
        <translation>Das Modell dieses Laufs hat keinen Router (Routing „%1“): Jedes Token durchläuft die Rekursionen, die das Modell festlegt. Der Tab Sequenz zeigt, was jede Rekursion vorhergesagt hat.</translation>
    </message>
    <message>
        <source>Router&apos;s most probable depth</source>
        <translation>Wahrscheinlichste Tiefe laut Router</translation>
    </message>
</context>
<context>
    <name>inspect::SamplePicker</name>
    <message>
        <source>Deepest reflection first</source>
        <translation>Tiefste Reflexion zuerst</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ Zurück</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Weiter ▶</translation>
    </message>
    <message>
        <source>Training step of the evaluation (checkpoint) whose traces are shown</source>
        <translation>Trainingsschritt der Evaluation (Checkpoint), deren Traces gezeigt werden</translation>
    </message>
    <message>
        <source>Evaluation step</source>
        <translation>Evaluationsschritt</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <source>%1 inputs</source>
        <translation>%1 Eingaben</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>All inputs</source>
        <translation>Alle Eingaben</translation>
    </message>
    <message>
        <source>Wrong answers</source>
        <translation>Falsche Antworten</translation>
    </message>
    <message>
        <source>Conflicted</source>
        <translation>Mit Konflikt</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>Klasse %1</translation>
    </message>
    <message>
        <source>Domain %1</source>
        <translation>Domäne %1</translation>
    </message>
    <message>
        <source>#%1  y=%2 → %3 %4  depth %5%6</source>
        <translation>#%1  y=%2 → %3 %4  Tiefe %5%6</translation>
    </message>
    <message>
        <source>  conflict</source>
        <translation>  Konflikt</translation>
    </message>
    <message>
        <source>no input matches</source>
        <translation>keine passende Eingabe</translation>
    </message>
</context>
<context>
    <name>inspect::TraceComparison</name>
    <message>
        <source>Pick an input, choose a change above and press Run what-if.</source>
        <translation>Wählen Sie eine Eingabe und oben eine Änderung und drücken Sie „Was-wäre-wenn ausführen“.</translation>
    </message>
    <message>
        <source>Fused answer</source>
        <translation>Fusionierte Antwort</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>Konfidenz</translation>
    </message>
    <message>
        <source>Conflict score D</source>
        <translation>Konfliktwert D</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Urteil</translation>
    </message>
    <message>
        <source>Expert-steps</source>
        <translation>Experten-Schritte</translation>
    </message>
    <message>
        <source>Expert / step</source>
        <translation>Experte / Schritt</translation>
    </message>
    <message>
        <source>Gate</source>
        <translation>Gate</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>p(draft)</source>
        <translation>p(Entwurf)</translation>
    </message>
    <message>
        <source>Critique</source>
        <translation>Kritik</translation>
    </message>
    <message>
        <source>Halt λ</source>
        <translation>Halt λ</translation>
    </message>
    <message>
        <source>Halting</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>What if</source>
        <translation>Was wäre wenn</translation>
    </message>
    <message>
        <source>Original (input #%1)</source>
        <translation>Original (Eingabe #%1)</translation>
    </message>
    <message>
        <source>What if: %1</source>
        <translation>Was wäre wenn: %1</translation>
    </message>
    <message>
        <source>  (conflict)</source>
        <translation>  (Konflikt)</translation>
    </message>
    <message>
        <source>no label</source>
        <translation>kein Label</translation>
    </message>
    <message>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <source>halts at t=%1</source>
        <translation>hält bei t=%1</translation>
    </message>
    <message>
        <source>t=%1</source>
        <translation>t=%1</translation>
    </message>
    <message>
        <source>← answer</source>
        <translation>← Antwort</translation>
    </message>
    <message>
        <source>re-reflection</source>
        <translation>erneute Reflexion</translation>
    </message>
    <message>
        <source> (right)</source>
        <translation> (richtig)</translation>
    </message>
    <message>
        <source> (wrong)</source>
        <translation> (falsch)</translation>
    </message>
    <message>
        <source>answer %1%2 unchanged</source>
        <translation>Antwort %1%2 unverändert</translation>
    </message>
    <message>
        <source>answer %1%2 → %3%4</source>
        <translation>Antwort %1%2 → %3%4</translation>
    </message>
    <message>
        <source>What changed: %1, confidence %2 → %3, conflict D %4 → %5, expert-steps %6 → %7</source>
        <translation>Was sich änderte: %1, Konfidenz %2 → %3, Konflikt D %4 → %5, Experten-Schritte %6 → %7</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Workbench for Mixture-of-Reflection models</source>
        <translation>Werkbank für Mixture-of-Reflection-Modelle</translation>
    </message>
    <message>
        <source>Experiment log to open (default: the user&apos;s log)</source>
        <translation>Zu öffnendes Experiment-Log (Standard: das Log des Benutzers)</translation>
    </message>
    <message>
        <source>Load a bundled demo</source>
        <translation>Eine mitgelieferte Demo laden</translation>
    </message>
    <message>
        <source>Save a picture of the window after 1.5 s and quit</source>
        <translation>Nach 1,5 s ein Bild des Fensters speichern und beenden</translation>
    </message>
    <message>
        <source>Theme: light or dark</source>
        <translation>Farbschema: light oder dark</translation>
    </message>
    <message>
        <source>Language: en or de</source>
        <translation>Sprache: en oder de</translation>
    </message>
    <message>
        <source>Select this run id</source>
        <translation>Diese Lauf-ID auswählen</translation>
    </message>
    <message>
        <source>Milliseconds to wait before the screenshot (default 1500)</source>
        <translation>Millisekunden bis zum Bildschirmfoto (Standard 1500)</translation>
    </message>
    <message>
        <source>Start training the loaded config right away</source>
        <translation>Die geladene Konfiguration sofort trainieren</translation>
    </message>
    <message>
        <source>Start in presentation mode (large fonts)</source>
        <translation>Im Präsentationsmodus starten (große Schrift)</translation>
    </message>
    <message>
        <source>Window size in pixels, e.g. 1280x800 (for screenshots)</source>
        <translation>Fenstergröße in Pixeln, z. B. 1280x800 (für Bildschirmfotos)</translation>
    </message>
    <message>
        <source>Show the training replay at this evaluation (1 = the first)</source>
        <translation>Die Trainings-Wiedergabe bei dieser Auswertung zeigen (1 = die erste)</translation>
    </message>
    <message>
        <source>View to show: setup, training, stepper, routing, conflicts, compare, sequence, playground, sweeps; name:N also its inner page N (stepper:1)</source>
        <translation>Anzuzeigende Ansicht: setup, training, stepper, routing, conflicts, compare, sequence, playground, sweeps; name:N auch deren innere Seite N (stepper:1)</translation>
    </message>
</context>
<context>
    <name>playground::PlaneView</name>
    <message>
        <source>expert %1</source>
        <translation>Experte %1</translation>
    </message>
</context>
<context>
    <name>playground::PlaygroundView</name>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>Rauschen</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Reflection depth</source>
        <translation>Reflexionstiefe</translation>
    </message>
    <message>
        <source>Halting threshold</source>
        <translation>Halteschwelle</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Paint</source>
        <translation>Zeichnen</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>Step t</source>
        <translation>Schritt t</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>Training läuft…</translation>
    </message>
    <message numerus="yes">
        <source>This data set has %n class(es): left click places class 0, right click class 1.</source>
        <translation>
            <numerusform>Dieser Datensatz hat %n Klasse: Linksklick setzt Klasse 0, Rechtsklick Klasse 1.</numerusform>
            <numerusform>Dieser Datensatz hat %n Klassen: Linksklick setzt Klasse 0, Rechtsklick Klasse 1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n point(s) of yours in the training data</source>
        <translation>
            <numerusform>%n eigener Punkt in den Trainingsdaten</numerusform>
            <numerusform>%n eigene Punkte in den Trainingsdaten</numerusform>
        </translation>
    </message>
    <message>
        <source>No temporary folder for the playground&apos;s log</source>
        <translation>Kein temporärer Ordner für das Log der Spielwiese</translation>
    </message>
    <message>
        <source>Step %1 · test accuracy %2%</source>
        <translation>Schritt %1 · Testgenauigkeit %2 %</translation>
    </message>
    <message>
        <source>Paused at batch %1: Step trains one more, Train continues</source>
        <translation>Angehalten bei Batch %1: Schritt trainiert einen weiteren, Trainieren setzt fort</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Rewind</source>
        <translation>Zurückspulen</translation>
    </message>
    <message>
        <source>Train again from the same initial weights and data</source>
        <translation>Noch einmal mit denselben Anfangsgewichten und Daten trainieren</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Train one batch, then pause</source>
        <translation>Einen Batch trainieren, dann anhalten</translation>
    </message>
    <message>
        <source>Clear my points</source>
        <translation>Meine Punkte löschen</translation>
    </message>
    <message>
        <source>Remove the points you placed (left click: class 0, right click: class 1)</source>
        <translation>Die gesetzten Punkte entfernen (Linksklick: Klasse 0, Rechtsklick: Klasse 1)</translation>
    </message>
    <message>
        <source>Click to add training points: left button class 0, right button class 1, middle button class 2</source>
        <translation>Klicken, um Trainingspunkte hinzuzufügen: linke Taste Klasse 0, rechte Taste Klasse 1, mittlere Taste Klasse 2</translation>
    </message>
    <message>
        <source>Fused decision</source>
        <translation>Fusionierte Entscheidung</translation>
    </message>
    <message>
        <source>Routing regions</source>
        <translation>Routing-Bereiche</translation>
    </message>
    <message>
        <source>Halting depth</source>
        <translation>Haltetiefe</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <source>Expert at step t</source>
        <translation>Experte bei Schritt t</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>Paused at batch %1 · the plane shows batch %2 · test accuracy %3%</source>
        <translation>Angehalten bei Batch %1 · die Ebene zeigt Batch %2 · Testgenauigkeit %3%</translation>
    </message>
</context>
<context>
    <name>sequence</name>
    <message>
        <source>letters</source>
        <translation>Buchstaben</translation>
    </message>
    <message>
        <source>digits</source>
        <translation>Ziffern</translation>
    </message>
    <message>
        <source>spaces</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <source>punctuation</source>
        <translation>Satzzeichen</translation>
    </message>
    <message>
        <source>newlines</source>
        <translation>Zeilenumbrüche</translation>
    </message>
    <message>
        <source>no carry</source>
        <translation>kein Übertrag</translation>
    </message>
    <message>
        <source>carry</source>
        <translation>Übertrag</translation>
    </message>
    <message>
        <source>carry chain &gt;= 2</source>
        <translation>Übertragskette ≥ 2</translation>
    </message>
    <message>
        <source>positions %1-%2</source>
        <translation>Positionen %1–%2</translation>
    </message>
    <message>
        <source>Token %1 after recursion %2 of %3</source>
        <translation>Token %1 nach Rekursion %2 von %3</translation>
    </message>
    <message>
        <source>Prediction: %1 (right)</source>
        <translation>Vorhersage: %1 (richtig)</translation>
    </message>
    <message>
        <source>Prediction: %1 (wrong; target %2)</source>
        <translation>Vorhersage: %1 (falsch; Ziel %2)</translation>
    </message>
    <message>
        <source>Prediction: %1 (no target at this position)</source>
        <translation>Vorhersage: %1 (kein Ziel an dieser Position)</translation>
    </message>
    <message>
        <source>Target probability: %1</source>
        <translation>Zielwahrscheinlichkeit: %1</translation>
    </message>
    <message>
        <source>Router score: %1</source>
        <translation>Router-Wert: %1</translation>
    </message>
    <message>
        <source>The token leaves here: this is its answer</source>
        <translation>Das Token steigt hier aus: dies ist seine Antwort</translation>
    </message>
    <message>
        <source>The token continued to recursion %1</source>
        <translation>Das Token ging weiter zu Rekursion %1</translation>
    </message>
</context>
<context>
    <name>sequence::DepthLegend</name>
    <message>
        <source>Recursion depth</source>
        <translation>Rekursionstiefe</translation>
    </message>
    <message>
        <source>Blocks used</source>
        <translation>Genutzte Blöcke</translation>
    </message>
    <message>
        <source>■ block used   □ block skipped</source>
        <translation>■ Block genutzt   □ Block übersprungen</translation>
    </message>
</context>
<context>
    <name>sequence::DepthPlots</name>
    <message>
        <source>depth %1</source>
        <translation>Tiefe %1</translation>
    </message>
    <message>
        <source>all tokens</source>
        <translation>alle Token</translation>
    </message>
    <message>
        <source>difficulty class (tokens)</source>
        <translation>Schwierigkeitsklasse (Token)</translation>
    </message>
    <message>
        <source>character class (tokens)</source>
        <translation>Zeichenklasse (Token)</translation>
    </message>
    <message>
        <source>Mean recursion depth per class</source>
        <translation>Mittlere Rekursionstiefe je Klasse</translation>
    </message>
    <message>
        <source>Depth distribution per class</source>
        <translation>Tiefenverteilung je Klasse</translation>
    </message>
    <message>
        <source>Mean depth per evaluation step</source>
        <translation>Mittlere Tiefe je Auswertungsschritt</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>mean depth</source>
        <translation>mittlere Tiefe</translation>
    </message>
    <message>
        <source>share of tokens</source>
        <translation>Anteil der Token</translation>
    </message>
    <message numerus="yes">
        <source>%n block(s)</source>
        <translation>
            <numerusform>%n Block</numerusform>
            <numerusform>%n Blöcke</numerusform>
        </translation>
    </message>
    <message>
        <source>Mean blocks used per class</source>
        <translation>Mittlere genutzte Blöcke je Klasse</translation>
    </message>
    <message>
        <source>Blocks used per class</source>
        <translation>Genutzte Blöcke je Klasse</translation>
    </message>
    <message>
        <source>Mean blocks used per evaluation step</source>
        <translation>Mittlere genutzte Blöcke je Auswertungsschritt</translation>
    </message>
    <message>
        <source>mean blocks used</source>
        <translation>mittlere genutzte Blöcke</translation>
    </message>
</context>
<context>
    <name>sequence::GeneratePanel</name>
    <message numerus="yes">
        <source>Generating %n token(s) after “%1”…</source>
        <translation>
            <numerusform>Erzeuge %n Token nach „%1“…</numerusform>
            <numerusform>Erzeuge %n Token nach „%1“…</numerusform>
        </translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Erzeugen fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s) generated, mean depth %1, %2 tokens/s</source>
        <translation>
            <numerusform>%n Token erzeugt, mittlere Tiefe %1, %2 Token/s</numerusform>
            <numerusform>%n Token erzeugt, mittlere Tiefe %1, %2 Token/s</numerusform>
        </translation>
    </message>
    <message>
        <source>the model read the prompt as “%1” (characters outside its vocabulary are replaced)</source>
        <translation>das Modell las die Eingabe als „%1“ (Zeichen außerhalb seines Vokabulars werden ersetzt)</translation>
    </message>
    <message>
        <source>Continue the typed text with the run&apos;s model (the checkpoint of this step); the tokens are coloured by their depth</source>
        <translation>Den eingegebenen Text mit dem Modell des Laufs fortsetzen (dem Checkpoint dieses Schritts); die Token sind nach ihrer Tiefe gefärbt</translation>
    </message>
    <message>
        <source>Generating needs a sequence run from a log</source>
        <translation>Zum Erzeugen braucht es einen Sequenzlauf aus einem Log</translation>
    </message>
    <message>
        <source>Continue the typed text:</source>
        <translation>Den eingegebenen Text fortsetzen:</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>0 = always the most likely token</source>
        <translation>0 = immer das wahrscheinlichste Token</translation>
    </message>
</context>
<context>
    <name>sequence::RecursionStepper</name>
    <message>
        <source>Token %1: %2 → target %3, depth %4 of %5</source>
        <translation>Token %1: %2 → Ziel %3, Tiefe %4 von %5</translation>
    </message>
    <message>
        <source>Click a token to step through its recursions.</source>
        <translation>Klicken Sie auf ein Token, um seine Rekursionen schrittweise anzusehen.</translation>
    </message>
    <message>
        <source>This token was not scored by the router.</source>
        <translation>Dieses Token hat der Router nicht bewertet.</translation>
    </message>
    <message>
        <source>r = %1 of %2</source>
        <translation>r = %1 von %2</translation>
    </message>
    <message>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <source>Router score at r</source>
        <translation>Router-Wert bei r</translation>
    </message>
    <message>
        <source>Continued to r + 1</source>
        <translation>Weiter zu r + 1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no — the token leaves here</source>
        <translation>nein — das Token steigt hier aus</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Prediction after r</source>
        <translation>Vorhersage nach r</translation>
    </message>
    <message>
        <source>Target probability after r</source>
        <translation>Zielwahrscheinlichkeit nach r</translation>
    </message>
    <message>
        <source>— (no target at this position)</source>
        <translation>— (kein Ziel an dieser Position)</translation>
    </message>
    <message>
        <source>target probability after r</source>
        <translation>Zielwahrscheinlichkeit nach r</translation>
    </message>
    <message>
        <source>router score at r</source>
        <translation>Router-Wert bei r</translation>
    </message>
    <message>
        <source>recursion r</source>
        <translation>Rekursion r</translation>
    </message>
    <message>
        <source>Token %1: %2 → target %3, blocks used %4 of %5, skipped: %6</source>
        <translation>Token %1: %2 → Ziel %3, genutzte Blöcke %4 von %5, übersprungen: %6</translation>
    </message>
    <message>
        <source>block %1/%2</source>
        <translation>Block %1/%2</translation>
    </message>
    <message>
        <source>Block %1</source>
        <translation>Block %1</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>nicht aufgezeichnet</translation>
    </message>
    <message>
        <source>went through it</source>
        <translation>durchlaufen</translation>
    </message>
    <message>
        <source>skipped (residual path)</source>
        <translation>übersprungen (Residualpfad)</translation>
    </message>
    <message>
        <source>Router score at the block</source>
        <translation>Router-Wert am Block</translation>
    </message>
    <message>
        <source>Prediction after the block</source>
        <translation>Vorhersage nach dem Block</translation>
    </message>
    <message>
        <source>Target probability after the block</source>
        <translation>Zielwahrscheinlichkeit nach dem Block</translation>
    </message>
    <message>
        <source>target probability after the block</source>
        <translation>Zielwahrscheinlichkeit nach dem Block</translation>
    </message>
    <message>
        <source>router score, block skipped</source>
        <translation>Router-Wert, Block übersprungen</translation>
    </message>
    <message>
        <source>block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>none (no router at this block)</source>
        <translation>keiner (kein Router an diesem Block)</translation>
    </message>
    <message>
        <source>router score (grey: block skipped)</source>
        <translation>Router-Wert (grau: Block übersprungen)</translation>
    </message>
    <message>
        <source>none (routing “%1” has no router)</source>
        <translation>keiner (Routing „%1“ hat keinen Router)</translation>
    </message>
    <message>
        <source>Router&apos;s P(depth = r)</source>
        <translation>P(Tiefe = r) laut Router</translation>
    </message>
    <message>
        <source>router&apos;s P(depth = r)</source>
        <translation>P(Tiefe = r) laut Router</translation>
    </message>
</context>
<context>
    <name>sequence::SequenceView</name>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>This run has no token traces: only sequence models (Mixture-of-Recursions) log them.</source>
        <translation>Dieser Lauf hat keine Token-Traces: Nur Sequenzmodelle (Mixture-of-Recursions) protokollieren sie.</translation>
    </message>
    <message>
        <source>Select a sequence run in the run browser.</source>
        <translation>Wählen Sie im Lauf-Browser einen Sequenz-Lauf.</translation>
    </message>
    <message>
        <source>#%1: %2</source>
        <translation>#%1: %2</translation>
    </message>
    <message>
        <source>typed: %1</source>
        <translation>eingegeben: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s), mean depth %1, %2 of %3 predicted right</source>
        <translation>
            <numerusform>%n Token, mittlere Tiefe %1, %2 von %3 richtig vorhergesagt</numerusform>
            <numerusform>%n Token, mittlere Tiefe %1, %2 von %3 richtig vorhergesagt</numerusform>
        </translation>
    </message>
    <message>
        <source>Type any text to trace it through the model</source>
        <translation>Beliebigen Text eingeben, um ihn durch das Modell zu verfolgen</translation>
    </message>
    <message>
        <source>Tracing typed text needs a run checkpoint</source>
        <translation>Eingegebenen Text zu verfolgen braucht einen Checkpoint des Laufs</translation>
    </message>
    <message>
        <source>Tracing “%1” through the checkpoint of step %2…</source>
        <translation>„%1“ wird durch den Checkpoint von Schritt %2 verfolgt…</translation>
    </message>
    <message>
        <source>Tracing failed: %1</source>
        <translation>Verfolgen fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>The model&apos;s context holds %n token(s): the last ones were traced.</source>
        <translation>
            <numerusform>Der Kontext des Modells fasst %n Token: Die letzten wurden verfolgt.</numerusform>
            <numerusform>Der Kontext des Modells fasst %n Token: Die letzten wurden verfolgt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Evaluation step</source>
        <translation>Evaluationsschritt</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>Sequenz</translation>
    </message>
    <message>
        <source>Trace</source>
        <translation>Verfolgen</translation>
    </message>
    <message>
        <source>Run the typed text through the checkpoint of this step</source>
        <translation>Den eingegebenen Text durch den Checkpoint dieses Schritts schicken</translation>
    </message>
    <message>
        <source>Not in the model&apos;s vocabulary, left out: %1</source>
        <translation>Nicht im Vokabular des Modells, ausgelassen: %1</translation>
    </message>
    <message>
        <source>block %1: %2</source>
        <translation>Block %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s), mean blocks used %1 of %2, %3 of %4 predicted right</source>
        <translation>
            <numerusform>%n Token, im Mittel %1 von %2 Blöcken genutzt, %3 von %4 richtig vorhergesagt</numerusform>
            <numerusform>%n Token, im Mittel %1 von %2 Blöcken genutzt, %3 von %4 richtig vorhergesagt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>skipped blocks not recorded for %n token(s)</source>
        <translation>
            <numerusform>übersprungene Blöcke für %n Token nicht aufgezeichnet</numerusform>
            <numerusform>übersprungene Blöcke für %n Token nicht aufgezeichnet</numerusform>
        </translation>
    </message>
    <message>
        <source>tokens that skipped each block: %1</source>
        <translation>Token, die jeden Block übersprangen: %1</translation>
    </message>
    <message>
        <source>Prediction after each recursion</source>
        <translation>Vorhersage nach jeder Rekursion</translation>
    </message>
    <message>
        <source>Under each token, one cell per recursion it went through: what the model would have predicted had the token left there (green right, purple wrong), the bar the target&apos;s probability; the framed cell is the answer the token leaves with</source>
        <translation>Unter jedem Token eine Zelle je durchlaufener Rekursion: was das Modell vorhergesagt hätte, wäre das Token dort ausgestiegen (grün richtig, violett falsch), der Balken die Wahrscheinlichkeit des Ziels; die umrandete Zelle ist die Antwort, mit der das Token aussteigt</translation>
    </message>
    <message numerus="yes">
        <source>Of the %n token(s) that went past recursion 1, the later recursions turned %1 wrong prediction(s) right and %2 right one(s) wrong</source>
        <translation>
            <numerusform>Von dem %n Token, das über Rekursion 1 hinausging, machten die späteren Rekursionen %1 falsche Vorhersage(n) richtig und %2 richtige falsch</numerusform>
            <numerusform>Von den %n Token, die über Rekursion 1 hinausgingen, machten die späteren Rekursionen %1 falsche Vorhersage(n) richtig und %2 richtige falsch</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sequence::TokenDepthModel</name>
    <message>
        <source>Token %1: %2</source>
        <translation>Token %1: %2</translation>
    </message>
    <message>
        <source>Target: %1</source>
        <translation>Ziel: %1</translation>
    </message>
    <message>
        <source>Prediction: %1 (right)</source>
        <translation>Vorhersage: %1 (richtig)</translation>
    </message>
    <message>
        <source>Prediction: %1 (wrong)</source>
        <translation>Vorhersage: %1 (falsch)</translation>
    </message>
    <message>
        <source>Loss: %1 nats</source>
        <translation>Verlust: %1 nats</translation>
    </message>
    <message>
        <source>No target at this position</source>
        <translation>Kein Ziel an dieser Position</translation>
    </message>
    <message>
        <source>Depth: %1 of %2 recursions</source>
        <translation>Tiefe: %1 von %2 Rekursionen</translation>
    </message>
    <message>
        <source>Class: %1</source>
        <translation>Klasse: %1</translation>
    </message>
    <message>
        <source>r%1 %2</source>
        <translation>r%1 %2</translation>
    </message>
    <message>
        <source>Router scores: %1</source>
        <translation>Router-Werte: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Blocks used: %1 of %2</source>
        <translation>Genutzte Blöcke: %1 von %2</translation>
    </message>
    <message>
        <source>Skipped blocks: %1</source>
        <translation>Übersprungene Blöcke: %1</translation>
    </message>
    <message>
        <source>b%1 %2</source>
        <translation>B%1 %2</translation>
    </message>
    <message>
        <source>Router scores per block: %1</source>
        <translation>Router-Werte je Block: %1</translation>
    </message>
    <message>
        <source>Router: none (routing “%1”)</source>
        <translation>Router: keiner (Routing „%1“)</translation>
    </message>
    <message>
        <source>Router&apos;s P(depth = r), chosen before r1: %1</source>
        <translation>P(Tiefe = r) laut Router, vor r1 gewählt: %1</translation>
    </message>
</context>
<context>
    <name>sequence::TokenFlowWidget</name>
    <message>
        <source>Answer: %1, the model&apos;s: %2 (%3 of %4 right)</source>
        <translation>Antwort: %1, die des Modells: %2 (%3 von %4 richtig)</translation>
    </message>
    <message>
        <source>Target of the last token: the model predicts it, but never reads it as input</source>
        <translation>Ziel des letzten Tokens: Das Modell sagt es vorher, liest es aber nie als Eingabe</translation>
    </message>
    <message>
        <source>Tokens and their recursions</source>
        <translation>Token und ihre Rekursionen</translation>
    </message>
    <message>
        <source>Export image…</source>
        <translation>Bild exportieren…</translation>
    </message>
    <message>
        <source>Export tokens</source>
        <translation>Token exportieren</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>Bild kopieren</translation>
    </message>
</context>
<context>
    <name>setup::DatasetSection</name>
    <message>
        <source>CSV files (*.csv *.csv.gz *.txt);;All files (*)</source>
        <translation>CSV-Dateien (*.csv *.csv.gz *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx*);;All files (*)</source>
        <translation>IDX-Dateien (*-ubyte *-ubyte.gz *.idx*);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Datei wählen</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Choose a CSV file to see its parsed columns.</source>
        <translation>Wählen Sie eine CSV-Datei, um ihre erkannten Spalten zu sehen.</translation>
    </message>
    <message>
        <source>%1 rows, %2 feature columns and the label (last column below).</source>
        <translation>%1 Zeilen, %2 Merkmalsspalten und das Label (letzte Spalte unten).</translation>
    </message>
    <message>
        <source>label</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>Choose an IDX images file and its labels file (MNIST format).</source>
        <translation>Wählen Sie eine IDX-Bilddatei und ihre Label-Datei (MNIST-Format).</translation>
    </message>
    <message>
        <source>Images of %1 × %2 pixels; labels match.</source>
        <translation>Bilder mit %1 × %2 Pixeln; Labels passen.</translation>
    </message>
    <message>
        <source>bundled fortunes corpus</source>
        <translation>mitgelieferter Glückskeks-Korpus</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Textdateien (*.txt);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>setup::ExpertTableModel</name>
    <message>
        <source>Expert %1</source>
        <translation>Experte %1</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>Zelle</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <source>Max depth</source>
        <translation>Max. Tiefe</translation>
    </message>
    <message>
        <source>Halting</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <source>Input features the expert reads at every reflection step, the next ones each step (0 = it sees only the encoding)</source>
        <translation>Eingabemerkmale, die der Experte in jedem Reflexionsschritt liest, in jedem Schritt die nächsten (0 = er sieht nur die Kodierung)</translation>
    </message>
    <message>
        <source>Reads/step</source>
        <translation>Liest/Schritt</translation>
    </message>
</context>
<context>
    <name>setup::SetupView</name>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>Length (bits)</source>
        <translation>Länge (Bits)</translation>
    </message>
    <message>
        <source>Modulus</source>
        <translation>Modulus</translation>
    </message>
    <message>
        <source>Operands</source>
        <translation>Operanden</translation>
    </message>
    <message>
        <source>Domains</source>
        <translation>Domänen</translation>
    </message>
    <message>
        <source>Label noise</source>
        <translation>Label-Rauschen</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV-Datei</translation>
    </message>
    <message>
        <source>Label column</source>
        <translation>Label-Spalte</translation>
    </message>
    <message>
        <source>IDX images</source>
        <translation>IDX-Bilder</translation>
    </message>
    <message>
        <source>IDX labels</source>
        <translation>IDX-Labels</translation>
    </message>
    <message>
        <source>Use at most</source>
        <translation>Höchstens verwenden</translation>
    </message>
    <message>
        <source>Validation fraction</source>
        <translation>Anteil Validierung</translation>
    </message>
    <message>
        <source>Test fraction</source>
        <translation>Anteil Test</translation>
    </message>
    <message>
        <source>Traced probe inputs</source>
        <translation>Verfolgte Probe-Eingaben</translation>
    </message>
    <message>
        <source>How the router turns its probabilities into the set of experts that run</source>
        <translation>Wie der Router aus seinen Wahrscheinlichkeiten die Menge der laufenden Experten bestimmt</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>Strategie</translation>
    </message>
    <message>
        <source>Top k</source>
        <translation>Top k</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <source>Top p</source>
        <translation>Top p</translation>
    </message>
    <message>
        <source>Capacity factor</source>
        <translation>Kapazitätsfaktor</translation>
    </message>
    <message>
        <source>Shared experts</source>
        <translation>Geteilte Experten</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Jitter</source>
        <translation>Jitter</translation>
    </message>
    <message>
        <source>Balance loss weight</source>
        <translation>Gewicht Balance-Verlust</translation>
    </message>
    <message>
        <source>Z-loss weight</source>
        <translation>Gewicht Z-Verlust</translation>
    </message>
    <message>
        <source>Selector loss weight</source>
        <translation>Gewicht Selektor-Verlust</translation>
    </message>
    <message>
        <source>Feedback loss weight</source>
        <translation>Gewicht Feedback-Verlust</translation>
    </message>
    <message>
        <source>Fusion</source>
        <translation>Fusion</translation>
    </message>
    <message>
        <source>Confidence exponent</source>
        <translation>Konfidenz-Exponent</translation>
    </message>
    <message>
        <source>Conflict threshold</source>
        <translation>Konfliktschwelle</translation>
    </message>
    <message>
        <source>Confident at</source>
        <translation>Sicher ab</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
    <message>
        <source>Extra iterations</source>
        <translation>Zusätzliche Iterationen</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>Optimierer</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Lernraten-Plan</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <source>Accumulation</source>
        <translation>Akkumulation</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>Aufwärmschritte</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Log traces</source>
        <translation>Traces protokollieren</translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation>Vorlage laden</translation>
    </message>
    <message>
        <source>Experiment configs (*.json)</source>
        <translation>Experiment-Konfigurationen (*.json)</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <source>Edit expert</source>
        <translation>Experte bearbeitet</translation>
    </message>
    <message>
        <source>Duplicate expert</source>
        <translation>Experte dupliziert</translation>
    </message>
    <message>
        <source>Add expert</source>
        <translation>Experte hinzugefügt</translation>
    </message>
    <message>
        <source>Remove expert</source>
        <translation>Experte entfernt</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>%1 geändert</translation>
    </message>
    <message>
        <source>Load config</source>
        <translation>Konfiguration geladen</translation>
    </message>
    <message>
        <source>The configuration is valid.</source>
        <translation>Die Konfiguration ist gültig.</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>%1 geladen</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 lässt sich nicht schreiben: %2</translation>
    </message>
    <message>
        <source>Choose a demo…</source>
        <translation>Demo wählen…</translation>
    </message>
    <message>
        <source>Router</source>
        <translation>Router</translation>
    </message>
    <message>
        <source>Experts</source>
        <translation>Experten</translation>
    </message>
    <message>
        <source>Integration</source>
        <translation>Integration</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>D&amp;uplizieren</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Run &amp;name:</source>
        <translation>Lauf&amp;name:</translation>
    </message>
    <message>
        <source>&amp;Start training</source>
        <translation>Training &amp;starten</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>Lektion</translation>
    </message>
    <message>
        <source>Choose a demo above to load a ready-made experiment and read what it shows, or build your own configuration on the left.</source>
        <translation>Wählen Sie oben eine Demo, um ein fertiges Experiment zu laden und zu lesen, was es zeigt, oder stellen Sie links Ihre eigene Konfiguration zusammen.</translation>
    </message>
    <message>
        <source>Renormalise the gates over the selected experts. Off (Switch-style): each expert counts with its router probability, so the task loss trains the router. On: at top_k 1 the gate is always 1 and the router learns only from its auxiliary losses</source>
        <translation>Die Gates über die gewählten Experten renormalisieren. Aus (wie Switch): jeder Experte zählt mit seiner Router-Wahrscheinlichkeit, so trainiert der Aufgabenverlust den Router. An: bei top_k 1 ist das Gate immer 1 und der Router lernt nur aus seinen Hilfsverlusten</translation>
    </message>
    <message>
        <source>Renormalise gates</source>
        <translation>Gates renormalisieren</translation>
    </message>
    <message>
        <source>Training-time selection: gumbel samples the experts from the router&apos;s distribution (needed by the feedback loss); evaluation is deterministic</source>
        <translation>Auswahl im Training: gumbel zieht die Experten aus der Verteilung des Routers (nötig für den Rückmeldungsverlust); die Auswertung ist deterministisch</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Stichprobe</translation>
    </message>
    <message>
        <source>Conflict score: Jensen-Shannon divergence of the selected experts&apos; answers, each counted once (unweighted) or by fusion weight (hides disagreement when one expert dominates)</source>
        <translation>Konfliktwert: Jensen-Shannon-Divergenz der Antworten der gewählten Experten, jede einmal gezählt (ungewichtet) oder nach Fusionsgewicht (verdeckt Uneinigkeit, wenn ein Experte dominiert)</translation>
    </message>
    <message>
        <source>Conflict score</source>
        <translation>Konfliktwert</translation>
    </message>
    <message>
        <source>Critique calibration</source>
        <translation>Kalibrierung der Kritik</translation>
    </message>
    <message>
        <source>all cores</source>
        <translation>alle Kerne</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Held-out calibration of the critique: one temperature per expert fitted on the validation split at every evaluation. temperature+threshold also tunes each critique-gated expert&apos;s halting threshold there: the lowest that answers as many validation inputs right as the configured one, so a calibrated critique does not think longer than it needs to</source>
        <translation>Kalibrierung der Kritik auf zurückgehaltenen Daten: eine Temperatur je Experte, bei jeder Auswertung auf dem Validierungsanteil angepasst. temperature+threshold stimmt dort außerdem die Halteschwelle jedes kritikgesteuerten Experten ab: die niedrigste, die so viele Validierungseingaben richtig beantwortet wie die eingestellte, sodass eine kalibrierte Kritik nicht länger nachdenkt als nötig</translation>
    </message>
    <message>
        <source>Which model to train: reflection (a router sends each input to reflecting experts, whose answers are integrated) or recursion (a Mixture-of-Recursions transformer on token sequences: a router gives each token its own number of passes through a shared block)</source>
        <translation>Welches Modell trainiert wird: reflection (ein Router schickt jede Eingabe an reflektierende Experten, deren Antworten zusammengeführt werden) oder recursion (ein Mixture-of-Recursions-Transformer auf Token-Folgen: ein Router gibt jedem Token seine eigene Zahl von Durchläufen durch einen geteilten Block)</translation>
    </message>
    <message>
        <source>How tokens get their depth. expert_choice: every recursion keeps its top tokens (fewer at each step); token_choice: one router picks each token&apos;s depth at once; fixed: every token takes every recursion; vanilla: distinct blocks, no sharing (baseline); mixture_of_depths: distinct blocks, a router lets some tokens skip a block</source>
        <translation>Wie Tokens ihre Tiefe bekommen. expert_choice: jede Rekursion behält ihre besten Tokens (mit jedem Schritt weniger); token_choice: ein Router wählt die Tiefe jedes Tokens auf einmal; fixed: jedes Token durchläuft jede Rekursion; vanilla: getrennte Blöcke ohne geteilte Gewichte (Vergleichsmodell); mixture_of_depths: getrennte Blöcke, ein Router lässt manche Tokens einen Block überspringen</translation>
    </message>
    <message>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <source>N_r: how often the shared block is applied (the deepest a token can go); vanilla and mixture_of_depths: the number of distinct blocks</source>
        <translation>N_r: wie oft der geteilte Block angewandt wird (die größte Tiefe eines Tokens); vanilla und mixture_of_depths: die Zahl der getrennten Blöcke</translation>
    </message>
    <message>
        <source>Recursions</source>
        <translation>Rekursionen</translation>
    </message>
    <message>
        <source>Transformer layers inside the shared block</source>
        <translation>Transformer-Schichten im geteilten Block</translation>
    </message>
    <message>
        <source>Layers per block</source>
        <translation>Schichten je Block</translation>
    </message>
    <message>
        <source>Width of the token states (d_model); the number of heads must divide it</source>
        <translation>Breite der Token-Zustände (d_model); die Zahl der Köpfe muss sie teilen</translation>
    </message>
    <message>
        <source>Model width</source>
        <translation>Modellbreite</translation>
    </message>
    <message>
        <source>Attention heads of each layer; must divide the model width</source>
        <translation>Attention-Köpfe jeder Schicht; ihre Zahl muss die Modellbreite teilen</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>Attention-Köpfe</translation>
    </message>
    <message>
        <source>Hidden width of each layer&apos;s feed-forward part</source>
        <translation>Verborgene Breite des Feed-Forward-Teils jeder Schicht</translation>
    </message>
    <message>
        <source>Feed-forward width</source>
        <translation>Feed-Forward-Breite</translation>
    </message>
    <message>
        <source>Parameter sharing: cycle repeats the whole block; middle_cycle gives the first and the last layer their own weights and shares only the layers between them</source>
        <translation>Gewichtsteilung: cycle wiederholt den ganzen Block; middle_cycle gibt der ersten und der letzten Schicht eigene Gewichte und teilt nur die Schichten dazwischen</translation>
    </message>
    <message>
        <source>Sharing</source>
        <translation>Gewichtsteilung</translation>
    </message>
    <message>
        <source>Fraction of the tokens each recursion keeps: linear keeps (N_r - r + 1) / N_r at recursion r, or a comma list of one fraction per recursion in (0, 1] that does not increase, e.g. 1,0.5,0.25</source>
        <translation>Anteil der Tokens, den jede Rekursion behält: linear behält (N_r - r + 1) / N_r in Rekursion r, oder eine Komma-Liste mit einem nicht steigenden Anteil in (0, 1] je Rekursion, z. B. 1,0.5,0.25</translation>
    </message>
    <message>
        <source>Capacity</source>
        <translation>Kapazität</translation>
    </message>
    <message>
        <source>One router per recursion step (as in the paper) instead of one router shared by every step</source>
        <translation>Ein Router je Rekursionsschritt (wie im Artikel) statt eines Routers für alle Schritte</translation>
    </message>
    <message>
        <source>Router per step</source>
        <translation>Router je Schritt</translation>
    </message>
    <message>
        <source>Inference: a token goes on (or through a routed block) when its router&apos;s sigmoid score is above this; training takes the top tokens by capacity instead</source>
        <translation>Inferenz: Ein Token geht weiter (oder durch einen gerouteten Block), wenn der Sigmoid-Score seines Routers darüber liegt; im Training werden stattdessen die besten Tokens nach Kapazität genommen</translation>
    </message>
    <message>
        <source>Inference threshold</source>
        <translation>Schwelle bei Inferenz</translation>
    </message>
    <message>
        <source>Fraction of each sequence&apos;s tokens a routed block processes; the others skip it on the residual path</source>
        <translation>Anteil der Tokens jeder Sequenz, den ein gerouteter Block verarbeitet; die übrigen überspringen ihn auf dem Residualpfad</translation>
    </message>
    <message>
        <source>Block capacity</source>
        <translation>Block-Kapazität</translation>
    </message>
    <message>
        <source>Every n-th block is routed, the others process every token (1: every block; 2: interleaved, as in the paper)</source>
        <translation>Jeder n-te Block wird geroutet, die übrigen verarbeiten jedes Token (1: jeder Block; 2: abwechselnd, wie im Artikel)</translation>
    </message>
    <message>
        <source>Routed block every</source>
        <translation>Gerouteter Block alle</translation>
    </message>
    <message>
        <source>How the token-choice router&apos;s scores become the gate that scales the output of the chosen depth</source>
        <translation>Wie aus den Scores des token_choice-Routers das Gate wird, das die Ausgabe der gewählten Tiefe skaliert</translation>
    </message>
    <message>
        <source>Gate</source>
        <translation>Gate</translation>
    </message>
    <message>
        <source>Scale alpha of the router gate (alpha times the sigmoid or softmax score)</source>
        <translation>Skalierung alpha des Router-Gates (alpha mal Sigmoid- oder Softmax-Score)</translation>
    </message>
    <message>
        <source>Gate scale</source>
        <translation>Gate-Skalierung</translation>
    </message>
    <message>
        <source>Standard deviation of the normal draw of the token and position embeddings (0.02 as in the official Mixture-of-Recursions code); 0 keeps LibTorch&apos;s N(0, 1)</source>
        <translation>Standardabweichung der Normalverteilung, aus der die Token- und Positions-Embeddings gezogen werden (0,02 wie im offiziellen Mixture-of-Recursions-Code); 0 behält LibTorchs N(0, 1)</translation>
    </message>
    <message>
        <source>Embedding init std</source>
        <translation>Std. der Embedding-Initialisierung</translation>
    </message>
    <message>
        <source>Recursions after the first reuse the keys and values of the first one (saves memory)</source>
        <translation>Rekursionen nach der ersten verwenden die Schlüssel und Werte der ersten wieder (spart Speicher)</translation>
    </message>
    <message>
        <source>Share keys/values</source>
        <translation>Schlüssel/Werte teilen</translation>
    </message>
    <message>
        <source>Weight of the router&apos;s auxiliary loss (binary cross-entropy of its score against the training-time selection), which teaches the inference threshold</source>
        <translation>Gewicht des Hilfsverlusts des Routers (binäre Kreuzentropie seines Scores gegen die Auswahl im Training), der die Schwelle für die Inferenz lehrt</translation>
    </message>
    <message>
        <source>Router loss weight</source>
        <translation>Gewicht Router-Verlust</translation>
    </message>
    <message>
        <source>Weight of the token-choice load-balancing loss (spreads the tokens over the depths)</source>
        <translation>Gewicht des Lastausgleichs-Verlusts bei token_choice (verteilt die Tokens über die Tiefen)</translation>
    </message>
    <message>
        <source>Weight of the router z-loss (keeps the router&apos;s logits small)</source>
        <translation>Gewicht des Router-Z-Verlusts (hält die Logits des Routers klein)</translation>
    </message>
    <message>
        <source>Dropout inside the attention layers while training</source>
        <translation>Dropout in den Attention-Schichten während des Trainings</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>A UTF-8 text file to learn character by character; empty: the bundled fortunes corpus</source>
        <translation>Eine UTF-8-Textdatei, die Zeichen für Zeichen gelernt wird; leer: der mitgelieferte Glückskeks-Korpus</translation>
    </message>
    <message>
        <source>Text file</source>
        <translation>Textdatei</translation>
    </message>
    <message>
        <source>Tokens per training sequence (text: characters of context; running_parity: bits)</source>
        <translation>Tokens je Trainingssequenz (text: Zeichen Kontext; running_parity: Bits)</translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation>Sequenzlänge</translation>
    </message>
    <message>
        <source>Digits of each operand of the addition (a sequence has 3 x digits + 2 tokens)</source>
        <translation>Ziffern jedes Summanden der Addition (eine Sequenz hat 3 x Ziffern + 2 Tokens)</translation>
    </message>
    <message>
        <source>Digits per operand</source>
        <translation>Ziffern je Summand</translation>
    </message>
    <message>
        <source>Recursion</source>
        <translation>Rekursion</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <source>fp32: everything in float32. bf16: the training forward pass under bfloat16 autocast (matmuls in bf16; weights, gradients, optimizer and evaluation stay float32). Faster on GPUs with bf16; on most CPUs slower</source>
        <translation>fp32: alles in float32. bf16: der Vorwärtsdurchlauf des Trainings unter bfloat16-Autocast (Matrixprodukte in bf16; Gewichte, Gradienten, Optimierer und Auswertung bleiben float32). Schneller auf GPUs mit bf16, auf den meisten CPUs langsamer</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Zahlenformat</translation>
    </message>
    <message>
        <source>What the router reads: encoding (the shared encoder&apos;s output, which the task loss shapes towards the label) or features (the raw input through the router&apos;s own layers: it sees which features are present, not what the encoder learned about the label; needs the encoder input vector)</source>
        <translation>Was der Router liest: encoding (die Ausgabe des gemeinsamen Encoders, die der Aufgabenverlust auf das Label hin formt) oder features (die rohe Eingabe durch die eigenen Schichten des Routers: er sieht, welche Merkmale vorhanden sind, nicht, was der Encoder über das Label gelernt hat; braucht den Eingabevektor des Encoders)</translation>
    </message>
    <message>
        <source>Router input</source>
        <translation>Router-Eingabe</translation>
    </message>
    <message>
        <source>What trains the router and the experts. routed: the selected experts, through the fused answer. mixture_likelihood (Jacobs et al. 1991): in training every expert answers every input and the experts compete for it; the one that explains it best learns most from it. hard_em: each training input goes to the expert with the lowest loss, only that expert learns from it and the router learns the assignment. Both competitive objectives run every expert on every training input and need strategy top_k</source>
        <translation>Was Router und Experten trainiert. routed: die gewählten Experten, über die fusionierte Antwort. mixture_likelihood (Jacobs et al. 1991): im Training beantwortet jeder Experte jede Eingabe und die Experten konkurrieren darum; wer sie am besten erklärt, lernt am meisten daraus. hard_em: jede Trainingseingabe geht an den Experten mit dem kleinsten Verlust, nur dieser lernt daraus und der Router lernt die Zuordnung. Beide konkurrierenden Lernziele rechnen jeden Experten auf jeder Trainingseingabe und brauchen die Strategie top_k</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>Lernziel</translation>
    </message>
    <message>
        <source>The router&apos;s form. softmax: a softmax over the router&apos;s scores. gaussian (Xu, Jordan &amp; Hinton 1995): each expert has a Gaussian over the raw input, so each takes a region of the input space; needs router input features and objective mixture_likelihood</source>
        <translation>Die Form des Routers. softmax: ein Softmax über die Werte des Routers. gaussian (Xu, Jordan &amp; Hinton 1995): jeder Experte hat eine Gauß-Verteilung über der rohen Eingabe und übernimmt so einen Bereich des Eingaberaums; braucht Router-Eingabe features und Lernziel mixture_likelihood</translation>
    </message>
    <message>
        <source>answer-temperature fits the temperature on the answers (the critique of the step each expert halted at) and moves the halting threshold with it, so experts stop exactly where the raw critic stops: the critique becomes honest without changing answers or compute. none keeps the raw critic</source>
        <translation>answer-temperature passt die Temperatur an den Antworten an (der Kritik des Schritts, bei dem jeder Experte angehalten hat) und verschiebt die Halteschwelle mit, sodass die Experten genau dort anhalten, wo die rohe Kritik anhält: die Kritik wird ehrlich, ohne Antworten oder Rechenaufwand zu ändern. none behält die rohe Kritik</translation>
    </message>
    <message>
        <source>Most steps a query follows through the permutation: &quot;2&gt;&gt;&quot; asks where 2 leads in two steps</source>
        <translation>Höchstzahl der Schritte, die eine Frage der Permutation folgt: &quot;2&gt;&gt;&quot; fragt, wohin 2 in zwei Schritten führt</translation>
    </message>
    <message>
        <source>Hops</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Training steps over which every recursion&apos;s capacity falls from 1 to its value along a half cosine (0: none)</source>
        <translation>Trainingsschritte, in denen die Kapazität jeder Rekursion entlang eines halben Kosinus von 1 auf ihren Wert fällt (0: keine)</translation>
    </message>
    <message>
        <source>Capacity warm-up (steps)</source>
        <translation>Kapazitäts-Aufwärmen (Schritte)</translation>
    </message>
    <message>
        <source>Training steps at capacity 1, every token running every recursion, before the warm-up starts (0: none)</source>
        <translation>Trainingsschritte mit Kapazität 1, in denen jedes Token jede Rekursion durchläuft, bevor das Aufwärmen beginnt (0: keine)</translation>
    </message>
    <message>
        <source>Capacity hold (steps)</source>
        <translation>Kapazität halten (Schritte)</translation>
    </message>
</context>
<context>
    <name>shell::HelpDialog</name>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>MoR Studio help</source>
        <translation>Hilfe zu MoR Studio</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Handbuch</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>&lt;h2&gt;MoR Studio in short&lt;/h2&gt;&lt;p&gt;A Mixture-of-Reflection model sends each input to a few experts (the router); each expert drafts an answer, scores its own draft and refines it for a few steps; the answers are fused by confidence, and disagreements are detected as conflicts. Recursion models do the same per token of a text.&lt;/p&gt;&lt;h3&gt;A first experiment&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Setup&lt;/b&gt;: pick a demo (File › Demos) or keep the new experiment&apos;s defaults; choose the model family (reflection or recursion) under &lt;b&gt;Model&lt;/b&gt;; the form checks every value as you type.&lt;/li&gt;&lt;li&gt;Press &lt;b&gt;Start training&lt;/b&gt; (Ctrl+Return). The &lt;b&gt;Training&lt;/b&gt; view shows loss and accuracy live; Pause and Stop work between batches.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Reflection stepper&lt;/b&gt;: pick an input and step through every expert&apos;s drafts and self-critique scores.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Routing&lt;/b&gt; and &lt;b&gt;Conflicts&lt;/b&gt;: which expert takes which inputs, and where experts disagree.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Compare&lt;/b&gt;: select several runs in the run browser (Ctrl+click) to see their curves and settings side by side.&lt;/li&gt;&lt;/ol&gt;&lt;h3&gt;Views&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Sequence&lt;/b&gt; appears for recursion models: each token with its recursion depth (with Mixture-of-Depths, the blocks it used); type your own text to trace it, or press &lt;b&gt;Generate&lt;/b&gt; to continue it. &lt;b&gt;Playground&lt;/b&gt; trains a small model on 2-D points and paints its decisions live.&lt;/p&gt;&lt;h3&gt;Runs and files&lt;/h3&gt;&lt;p&gt;Every run goes into one experiment log (a SQLite file); runs written by the command-line tool &lt;tt&gt;mor&lt;/tt&gt; on another machine open here unchanged. Right-click a run to rename, tag, resume or load its settings into Setup. Plots export as PNG, SVG or PDF from their context menu; File › Export saves metrics and traces as CSV.&lt;/p&gt;&lt;p&gt;The README of the project describes every setting and command in full.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;MoR Studio in Kürze&lt;/h2&gt;&lt;p&gt;Ein Mixture-of-Reflection-Modell schickt jede Eingabe an einige Experten (der Router); jeder Experte entwirft eine Antwort, bewertet seinen eigenen Entwurf und verbessert ihn einige Schritte lang; die Antworten werden nach Konfidenz fusioniert, und Uneinigkeit wird als Konflikt erkannt. Rekursionsmodelle tun dasselbe für jedes Token eines Textes.&lt;/p&gt;&lt;h3&gt;Ein erstes Experiment&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Einrichtung&lt;/b&gt;: wählen Sie eine Demo (Datei › Demos) oder behalten Sie die Standardwerte des neuen Experiments; wählen Sie unter &lt;b&gt;Modell&lt;/b&gt; die Modellfamilie (Reflexion oder Rekursion); das Formular prüft jeden Wert während der Eingabe.&lt;/li&gt;&lt;li&gt;Drücken Sie &lt;b&gt;Training starten&lt;/b&gt; (Strg+Eingabe). Die Ansicht &lt;b&gt;Training&lt;/b&gt; zeigt Verlust und Genauigkeit live; Pause und Stopp wirken zwischen zwei Batches.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Reflexions-Schrittfolge&lt;/b&gt;: wählen Sie eine Eingabe und gehen Sie durch die Entwürfe und Selbstkritik-Werte jedes Experten.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Routing&lt;/b&gt; und &lt;b&gt;Konflikte&lt;/b&gt;: welcher Experte welche Eingaben übernimmt und wo Experten uneins sind.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Vergleich&lt;/b&gt;: wählen Sie im Lauf-Browser mehrere Läufe (Strg+Klick), um ihre Kurven und Einstellungen nebeneinander zu sehen.&lt;/li&gt;&lt;/ol&gt;&lt;h3&gt;Ansichten&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Sequenz&lt;/b&gt; erscheint bei Rekursionsmodellen: jedes Token mit seiner Rekursionstiefe (bei Mixture-of-Depths die genutzten Blöcke); tippen Sie eigenen Text, um ihn zu verfolgen, oder drücken Sie &lt;b&gt;Erzeugen&lt;/b&gt;, um ihn fortzusetzen. &lt;b&gt;Spielwiese&lt;/b&gt; trainiert ein kleines Modell auf 2-D-Punkten und zeichnet seine Entscheidungen live.&lt;/p&gt;&lt;h3&gt;Läufe und Dateien&lt;/h3&gt;&lt;p&gt;Jeder Lauf landet in einem Experiment-Log (einer SQLite-Datei); Läufe, die das Kommandozeilenwerkzeug &lt;tt&gt;mor&lt;/tt&gt; auf einem anderen Rechner schreibt, öffnen sich hier unverändert. Ein Rechtsklick auf einen Lauf benennt ihn um, vergibt Tags, setzt ihn fort oder lädt seine Einstellungen in die Einrichtung. Plots lassen sich über ihr Kontextmenü als PNG, SVG oder PDF exportieren; Datei › Exportieren speichert Metriken und Spuren als CSV.&lt;/p&gt;&lt;p&gt;Das README des Projekts beschreibt jede Einstellung und jeden Befehl ausführlich.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>shell::LogSession</name>
    <message>
        <source>The log file %1 is missing (moved or deleted?)</source>
        <translation>Die Log-Datei %1 fehlt (verschoben oder gelöscht?)</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>the log could not be opened</source>
        <translation>das Log ließ sich nicht öffnen</translation>
    </message>
</context>
<context>
    <name>shell::MainWindow</name>
    <message>
        <source>New experiment</source>
        <translation>Neues Experiment</translation>
    </message>
    <message>
        <source>Open experiment log</source>
        <translation>Experiment-Log öffnen</translation>
    </message>
    <message>
        <source>Experiment logs (*.sqlite *.db);;All files (*)</source>
        <translation>Experiment-Logs (*.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <source>Experiment configs (*.json)</source>
        <translation>Experiment-Konfigurationen (*.json)</translation>
    </message>
    <message>
        <source>Export all plots into a folder</source>
        <translation>Alle Diagramme in einen Ordner exportieren</translation>
    </message>
    <message>
        <source>Export all plots</source>
        <translation>Alle Diagramme exportieren</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) written to %1</source>
        <translation>
            <numerusform>%n Datei nach %1 geschrieben</numerusform>
            <numerusform>%n Dateien nach %1 geschrieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation>Vorlage laden</translation>
    </message>
    <message>
        <source>About MoR Studio</source>
        <translation>Über MoR Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;MoR Studio %1&lt;/h3&gt;&lt;p&gt;A workbench for Mixture-of-Reflection models: configure, train and inspect routers, reflecting experts and their integration.&lt;/p&gt;&lt;p&gt;License: GPL-3.0-or-later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MoR Studio %1&lt;/h3&gt;&lt;p&gt;Eine Werkbank für Mixture-of-Reflection-Modelle: Router, reflektierende Experten und ihre Integration einrichten, trainieren und untersuchen.&lt;/p&gt;&lt;p&gt;Lizenz: GPL-3.0-or-later.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Training run %1…</source>
        <translation>Lauf %1 wird trainiert…</translation>
    </message>
    <message>
        <source>Open log</source>
        <translation>Log öffnen</translation>
    </message>
    <message>
        <source>Stop the running training before opening another log.</source>
        <translation>Beenden Sie das laufende Training, bevor Sie ein anderes Log öffnen.</translation>
    </message>
    <message>
        <source>Cannot open %1:
%2</source>
        <translation>%1 lässt sich nicht öffnen:
%2</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1 lässt sich nicht öffnen: %2</translation>
    </message>
    <message>
        <source>MoR Studio — %1</source>
        <translation>MoR Studio — %1</translation>
    </message>
    <message>
        <source>Loaded demo “%1”</source>
        <translation>Demo „%1“ geladen</translation>
    </message>
    <message>
        <source>Starting “%1”</source>
        <translation>„%1“ wird gestartet</translation>
    </message>
    <message>
        <source>Run %1 %2</source>
        <translation>Lauf %1 %2</translation>
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation>Lauf %1 %2: %3</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %n run(s)</source>
        <translation>
            <numerusform>%1 — %n Lauf</numerusform>
            <numerusform>%1 — %n Läufe</numerusform>
        </translation>
    </message>
    <message>
        <source>No translation for %1</source>
        <translation>Keine Übersetzung für %1</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>A training is running. Stop it and quit?</source>
        <translation>Ein Training läuft. Anhalten und beenden?</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>Einrichtung</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Reflection stepper</source>
        <translation>Reflexions-Schrittfolge</translation>
    </message>
    <message>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>MoR Studio</source>
        <translation>MoR Studio</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>Metriken exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export traces</source>
        <translation>Traces exportieren</translation>
    </message>
    <message>
        <source>Select a run first.</source>
        <translation>Wählen Sie zuerst einen Lauf.</translation>
    </message>
    <message numerus="yes">
        <source>%n trace row(s) written to %1</source>
        <translation>
            <numerusform>%n Trace-Zeile nach %1 geschrieben</numerusform>
            <numerusform>%n Trace-Zeilen nach %1 geschrieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Figure copied (%1 × %2 pixels)</source>
        <translation>Diagramm kopiert (%1 × %2 Pixel)</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>Sequenz</translation>
    </message>
    <message>
        <source>Cannot read the log (retrying): %1</source>
        <translation>Das Log lässt sich nicht lesen (neuer Versuch folgt): %1</translation>
    </message>
    <message>
        <source>The log is readable again</source>
        <translation>Das Log ist wieder lesbar</translation>
    </message>
    <message>
        <source>Preset saved to %1</source>
        <translation>Vorlage gespeichert unter %1</translation>
    </message>
    <message>
        <source>Run %1 is not in the log.</source>
        <translation>Lauf %1 ist nicht im Log.</translation>
    </message>
    <message>
        <source>Load run %1</source>
        <translation>Lauf %1 laden</translation>
    </message>
    <message>
        <source>Load into Setup</source>
        <translation>In die Einrichtung laden</translation>
    </message>
    <message>
        <source>Loaded the config of run %1 (%2)</source>
        <translation>Konfiguration von Lauf %1 geladen (%2)</translation>
    </message>
    <message>
        <source>Resuming run %1</source>
        <translation>Lauf %1 wird fortgesetzt</translation>
    </message>
    <message>
        <source>A training is running: stop it before resuming run %1</source>
        <translation>Ein Training läuft: halten Sie es an, bevor Sie Lauf %1 fortsetzen</translation>
    </message>
    <message>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Playground</source>
        <translation>Spielwiese</translation>
    </message>
    <message>
        <source>Exporting plots to %1…</source>
        <translation>Plots werden nach %1 exportiert…</translation>
    </message>
    <message numerus="yes">
        <source>%n metric point(s) written to %1</source>
        <translation>
            <numerusform>%n Metrikpunkt nach %1 geschrieben</numerusform>
            <numerusform>%n Metrikpunkte nach %1 geschrieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Export metrics failed: %1</source>
        <translation>Export der Metriken fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Writing the traces of run %1 to %2…</source>
        <translation>Die Traces von Lauf %1 werden nach %2 geschrieben…</translation>
    </message>
    <message>
        <source>Export traces failed: %1</source>
        <translation>Export der Traces fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>not written</source>
        <translation>nicht geschrieben</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
</context>
<context>
    <name>shell::MainWindowActions</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Recent logs</source>
        <translation>&amp;Zuletzt geöffnete Logs</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>&amp;Bereiche</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Farbschema</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Werkzeugleiste</translation>
    </message>
    <message>
        <source>&amp;New experiment</source>
        <translation>&amp;Neues Experiment</translation>
    </message>
    <message>
        <source>Reset the setup to a default experiment</source>
        <translation>Die Einrichtung auf ein Standard-Experiment zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Open log…</source>
        <translation>Log ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open an experiment log (.sqlite)</source>
        <translation>Ein Experiment-Log (.sqlite) öffnen</translation>
    </message>
    <message>
        <source>&amp;Save preset…</source>
        <translation>Vorlage &amp;speichern…</translation>
    </message>
    <message>
        <source>&amp;Export all plots…</source>
        <translation>Alle Diagramme &amp;exportieren…</translation>
    </message>
    <message>
        <source>&amp;Load preset…</source>
        <translation>Vorlage &amp;laden…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>&amp;Start training</source>
        <translation>Training &amp;starten</translation>
    </message>
    <message>
        <source>&amp;Pause / resume</source>
        <translation>&amp;Pause / Fortsetzen</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;topp</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>&amp;Präsentationsmodus</translation>
    </message>
    <message>
        <source>Large fonts, advanced settings hidden</source>
        <translation>Große Schrift, erweiterte Einstellungen ausgeblendet</translation>
    </message>
    <message>
        <source>&amp;About MoR Studio</source>
        <translation>Ü&amp;ber MoR Studio</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>Einrichtung</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Reflection stepper</source>
        <translation>Reflexions-Schrittfolge</translation>
    </message>
    <message>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>&amp;Demos</source>
        <translation>&amp;Demos</translation>
    </message>
    <message>
        <source>Export &amp;metrics as CSV…</source>
        <translation>&amp;Metriken als CSV exportieren…</translation>
    </message>
    <message>
        <source>Every metric of the selected run: key, step, value, wall time</source>
        <translation>Jede Metrik des gewählten Laufs: Schlüssel, Schritt, Wert, Uhrzeit</translation>
    </message>
    <message>
        <source>Export &amp;traces as CSV…</source>
        <translation>&amp;Traces als CSV exportieren…</translation>
    </message>
    <message>
        <source>Every logged reflection trace of the selected run: one row per input, expert and iteration</source>
        <translation>Jeder protokollierte Reflexions-Trace des gewählten Laufs: eine Zeile je Eingabe, Experte und Iteration</translation>
    </message>
    <message>
        <source>&amp;Copy figure</source>
        <translation>Diagramm &amp;kopieren</translation>
    </message>
    <message>
        <source>Copy the plot under the mouse (or the largest plot of the view) as an image</source>
        <translation>Das Diagramm unter der Maus (oder das größte der Ansicht) als Bild kopieren</translation>
    </message>
    <message>
        <source>&amp;Manual</source>
        <translation>&amp;Handbuch</translation>
    </message>
    <message>
        <source>A short manual: the views and a first experiment</source>
        <translation>Ein kurzes Handbuch: die Ansichten und ein erstes Experiment</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
</context>
<context>
    <name>shell::PruneDialog</name>
    <message>
        <source> pt</source>
        <translation> Pkt.</translation>
    </message>
    <message>
        <source>S&amp;weep amounts:</source>
        <translation>&amp;Reihe von Anteilen:</translation>
    </message>
    <message>
        <source>&amp;Prune</source>
        <translation>&amp;Beschneiden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Prune run %1</source>
        <translation>Lauf %1 beschneiden</translation>
    </message>
    <message>
        <source>Prune &lt;b&gt;%1&lt;/b&gt; (#%2) into a new child run of the log; the run itself is not changed.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (#%2) in einen neuen Kindlauf des Logs beschneiden; der Lauf selbst bleibt unverändert.</translation>
    </message>
    <message>
        <source>Magnitude (unstructured)</source>
        <translation>Betrag (unstrukturiert)</translation>
    </message>
    <message>
        <source>Structured (hidden units)</source>
        <translation>Strukturiert (verborgene Einheiten)</translation>
    </message>
    <message>
        <source>Dead experts</source>
        <translation>Tote Experten</translation>
    </message>
    <message>
        <source>Depth cap</source>
        <translation>Tiefenbegrenzung</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Optimizer steps of fine-tuning with the pruned weights held at zero, rounded up to whole epochs</source>
        <translation>Optimiererschritte des Nachtrainings mit den beschnittenen Gewichten fest auf null, aufgerundet auf ganze Epochen</translation>
    </message>
    <message>
        <source>One pruned child run per amount, separated by commas</source>
        <translation>Ein beschnittener Kindlauf je Anteil, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>&amp;Method:</source>
        <translation>&amp;Methode:</translation>
    </message>
    <message>
        <source>&amp;Fine-tune steps:</source>
        <translation>&amp;Nachtrainingsschritte:</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Non-zero parameters</source>
        <translation>Parameter ungleich null</translation>
    </message>
    <message>
        <source>FLOPs per input</source>
        <translation>FLOPs je Eingabe</translation>
    </message>
    <message>
        <source>FLOPs per input without zeros</source>
        <translation>FLOPs je Eingabe ohne Nullen</translation>
    </message>
    <message>
        <source>Expert-steps per input</source>
        <translation>Expertenschritte je Eingabe</translation>
    </message>
    <message>
        <source>Before (parent)</source>
        <translation>Vorher (Elternlauf)</translation>
    </message>
    <message>
        <source>Pruned</source>
        <translation>Beschnitten</translation>
    </message>
    <message>
        <source>After (child)</source>
        <translation>Nachher (Kindlauf)</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Right after pruning, before any fine-tuning</source>
        <translation>Direkt nach dem Beschneiden, vor jedem Nachtraining</translation>
    </message>
    <message>
        <source>The evaluator&apos;s dense estimate: multiplications by zero weights still count</source>
        <translation>Die dichte Schätzung des Evaluators: Multiplikationen mit Nullgewichten zählen mit</translation>
    </message>
    <message>
        <source>FLOPs per input less the multiplications by zero expert weights (an estimate)</source>
        <translation>FLOPs je Eingabe ohne die Multiplikationen mit Null-Expertengewichten (eine Schätzung)</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>Child run</source>
        <translation>Kindlauf</translation>
    </message>
    <message>
        <source>Sparsity</source>
        <translation>Dünnbesetztheit</translation>
    </message>
    <message>
        <source>Accuracy pruned</source>
        <translation>Genauigkeit beschnitten</translation>
    </message>
    <message>
        <source>Accuracy after</source>
        <translation>Genauigkeit danach</translation>
    </message>
    <message>
        <source>Maximum &amp;depth:</source>
        <translation>Maximale &amp;Tiefe:</translation>
    </message>
    <message>
        <source>Activation &amp;threshold:</source>
        <translation>Aktivierungs&amp;schwelle:</translation>
    </message>
    <message>
        <source>&amp;Amount (fraction):</source>
        <translation>&amp;Anteil (Bruchteil):</translation>
    </message>
    <message>
        <source>“%1” in the sweep amounts is not a number.</source>
        <translation>„%1“ in der Reihe von Anteilen ist keine Zahl.</translation>
    </message>
    <message>
        <source>Give at least one amount to sweep, e.g. 0, 0.5, 0.8, 0.9.</source>
        <translation>Geben Sie mindestens einen Anteil an, z. B. 0, 0.5, 0.8, 0.9.</translation>
    </message>
    <message>
        <source>Pruning…</source>
        <translation>Wird beschnitten…</translation>
    </message>
    <message>
        <source>Not pruned: %1</source>
        <translation>Nicht beschnitten: %1</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n child run(s).</source>
        <translation>
            <numerusform>Abgebrochen nach %n Kindlauf.</numerusform>
            <numerusform>Abgebrochen nach %n Kindläufen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: %n child run(s) written to the log.</source>
        <translation>
            <numerusform>Fertig: %n Kindlauf ins Log geschrieben.</numerusform>
            <numerusform>Fertig: %n Kindläufe ins Log geschrieben.</numerusform>
        </translation>
    </message>
    <message>
        <source>Before (#%1)</source>
        <translation>Vorher (#%1)</translation>
    </message>
    <message>
        <source>After (#%1)</source>
        <translation>Nachher (#%1)</translation>
    </message>
    <message>
        <source>Child run #%1: %2.</source>
        <translation>Kindlauf #%1: %2.</translation>
    </message>
    <message>
        <source>Sparsity of the expert weights %1 %.</source>
        <translation>Dünnbesetztheit der Expertengewichte %1 %.</translation>
    </message>
    <message numerus="yes">
        <source>Fine-tuned for %n step(s).</source>
        <translation>
            <numerusform>%n Schritt nachtrainiert.</numerusform>
            <numerusform>%n Schritte nachtrainiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling… (a fine-tuning stops after its current batch, an evaluation when it ends, a sweep before its next amount)</source>
        <translation>Wird abgebrochen… (ein Nachtraining endet nach seinem aktuellen Batch, eine Auswertung an ihrem Ende, eine Reihe vor ihrem nächsten Anteil)</translation>
    </message>
    <message>
        <source>Test token accuracy</source>
        <translation>Token-Genauigkeit (Test)</translation>
    </message>
    <message>
        <source>FLOPs per token</source>
        <translation>FLOPs je Token</translation>
    </message>
    <message>
        <source>FLOPs per token without zeros</source>
        <translation>FLOPs je Token ohne Nullen</translation>
    </message>
    <message>
        <source>Test loss (nats per token)</source>
        <translation>Test-Verlust (Nats je Token)</translation>
    </message>
    <message>
        <source>Test loss</source>
        <translation>Test-Verlust</translation>
    </message>
    <message>
        <source>Mean recursion depth</source>
        <translation>Mittlere Rekursionstiefe</translation>
    </message>
    <message>
        <source>Mean reflection depth</source>
        <translation>Mittlere Reflexionstiefe</translation>
    </message>
    <message>
        <source>An estimate per scored token: linear maps and attention of every layer, the recursion block as often as the mean depth, head and routers</source>
        <translation>Eine Schätzung je bewertetem Token: lineare Abbildungen und Attention jeder Schicht, der Rekursionsblock so oft wie die mittlere Tiefe, Kopf und Router</translation>
    </message>
    <message>
        <source>FLOPs per token less the multiplications by zero recursion-block weights (an estimate)</source>
        <translation>FLOPs je Token abzüglich der Multiplikationen mit Null-Gewichten des Rekursionsblocks (eine Schätzung)</translation>
    </message>
    <message>
        <source>Recursions per scored test token</source>
        <translation>Rekursionen je bewertetem Test-Token</translation>
    </message>
    <message>
        <source>Reflection steps per input and selected expert</source>
        <translation>Reflexionsschritte je Eingabe und gewähltem Experten</translation>
    </message>
    <message>
        <source>A recursion run has no experts to remove</source>
        <translation>Ein Rekursionslauf hat keine Experten zum Entfernen</translation>
    </message>
    <message>
        <source>Zeroes the given fraction of the recursion blocks&apos; weights with the smallest magnitude.</source>
        <translation>Setzt den angegebenen Anteil der betragskleinsten Gewichte der Rekursionsblöcke auf null.</translation>
    </message>
    <message>
        <source>Zeroes the given fraction of all expert weights with the smallest magnitude.</source>
        <translation>Setzt den angegebenen Anteil der betragskleinsten Gewichte aller Experten auf null.</translation>
    </message>
    <message>
        <source>Removes, per feed-forward layer of the recursion block, the given fraction of hidden units (rows of smallest L2 norm, with their biases).</source>
        <translation>Entfernt je Feed-forward-Schicht des Rekursionsblocks den angegebenen Anteil der verdeckten Einheiten (die Zeilen mit der kleinsten L2-Norm, samt ihren Biases).</translation>
    </message>
    <message>
        <source>Removes, per expert layer, the given fraction of hidden units (rows of smallest L2 norm, with their biases).</source>
        <translation>Entfernt je Expertenschicht den angegebenen Anteil der verdeckten Einheiten (die Zeilen mit der kleinsten L2-Norm, samt ihren Biases).</translation>
    </message>
    <message>
        <source>Not for recursion runs: they have no experts to remove.</source>
        <translation>Nicht für Rekursionsläufe: sie haben keine Experten zum Entfernen.</translation>
    </message>
    <message>
        <source>Experts routed to fewer than this share of the validation inputs never run again (their router entries are masked).</source>
        <translation>Experten, die weniger als diesen Anteil der Validierungseingaben bekommen, laufen nie wieder (ihre Router-Einträge werden maskiert).</translation>
    </message>
    <message>
        <source>Caps the number of recursions: no token runs more than this many, in evaluation, generation and fine-tuning.</source>
        <translation>Begrenzt die Zahl der Rekursionen: kein Token durchläuft mehr als so viele, bei Auswertung, Generierung und Nachtraining.</translation>
    </message>
    <message>
        <source>Caps every reflection expert&apos;s maximum depth.</source>
        <translation>Begrenzt die maximale Tiefe jedes Reflexionsexperten.</translation>
    </message>
    <message>
        <source>Sparsity of the recursion-block weights %1 %.</source>
        <translation>Dünnbesetztheit der Gewichte des Rekursionsblocks %1 %.</translation>
    </message>
</context>
<context>
    <name>shell::PruneJob</name>
    <message>
        <source>Fine-tuning: step %1 of %2</source>
        <translation>Nachtraining: Schritt %1 von %2</translation>
    </message>
    <message>
        <source>Pruning %1 of %2 (amount %3)…</source>
        <translation>Beschneiden %1 von %2 (Anteil %3)…</translation>
    </message>
    <message>
        <source>Pruning (amount %1)…</source>
        <translation>Beschneiden (Anteil %1)…</translation>
    </message>
</context>
<context>
    <name>shell::PrunePlot</name>
    <message>
        <source>right after pruning</source>
        <translation>direkt nach dem Beschneiden</translation>
    </message>
    <message>
        <source>pruned child runs</source>
        <translation>beschnittene Kindläufe</translation>
    </message>
    <message>
        <source>after fine-tuning</source>
        <translation>nach dem Nachtraining</translation>
    </message>
    <message>
        <source>parent run</source>
        <translation>Elternlauf</translation>
    </message>
    <message>
        <source>maximum reflection depth (steps)</source>
        <translation>maximale Reflexionstiefe (Schritte)</translation>
    </message>
    <message>
        <source>sparsity of the expert weights (%)</source>
        <translation>Dünnbesetztheit der Expertengewichte (%)</translation>
    </message>
    <message>
        <source>test accuracy (%)</source>
        <translation>Testgenauigkeit (%)</translation>
    </message>
</context>
<context>
    <name>shell::RetrainDialog</name>
    <message>
        <source>Training the child: step %1 of %2</source>
        <translation>Das Kind wird trainiert: Schritt %1 von %2</translation>
    </message>
    <message>
        <source>Comparing parent and child on the held-out data…</source>
        <translation>Eltern- und Kindlauf werden auf den zurückgehaltenen Daten verglichen…</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>Durch&amp;suchen…</translation>
    </message>
    <message>
        <source>From the parent&apos;s &amp;weights</source>
        <translation>Von den Ge&amp;wichten des Elternlaufs</translation>
    </message>
    <message>
        <source>From &amp;scratch</source>
        <translation>Von &amp;Grund auf</translation>
    </message>
    <message>
        <source>&amp;Retrain</source>
        <translation>&amp;Neu trainieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Retrain run %1</source>
        <translation>Lauf %1 neu trainieren</translation>
    </message>
    <message>
        <source>Retrain &lt;b&gt;%1&lt;/b&gt; (#%2) on new data into a child run of the log. Parent and child are compared on the same held-out part of the new data; the child is tagged &lt;i&gt;promoted&lt;/i&gt; only if the confidence interval of the paired difference lies above the margin.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (#%2) auf neuen Daten zu einem Kindlauf im Log neu trainieren. Eltern- und Kindlauf werden auf demselben zurückgehaltenen Teil der neuen Daten verglichen; das Kind erhält den Tag &lt;i&gt;promoted&lt;/i&gt; nur, wenn das Konfidenzintervall der gepaarten Differenz über der Marge liegt.</translation>
    </message>
    <message>
        <source>a CSV file (reflection runs) or a text file (recursion runs)</source>
        <translation>eine CSV-Datei (Reflexionsläufe) oder eine Textdatei (Rekursionsläufe)</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> Pkt.</translation>
    </message>
    <message>
        <source>The lower end of the 95 % confidence interval of (child − parent) held-out accuracy must lie above this many points</source>
        <translation>Das untere Ende des 95-%-Konfidenzintervalls der Genauigkeitsdifferenz (Kind − Eltern) auf den zurückgehaltenen Daten muss über so vielen Punkten liegen</translation>
    </message>
    <message>
        <source>as the run</source>
        <translation>wie der Lauf</translation>
    </message>
    <message>
        <source>Training epochs of the child; “as the run” keeps the parent&apos;s</source>
        <translation>Trainingsepochen des Kinds; „wie der Lauf“ übernimmt die des Elternlaufs</translation>
    </message>
    <message>
        <source>New &amp;data:</source>
        <translation>Neue &amp;Daten:</translation>
    </message>
    <message>
        <source>Start:</source>
        <translation>Start:</translation>
    </message>
    <message>
        <source>Promotion &amp;margin:</source>
        <translation>&amp;Marge für die Beförderung:</translation>
    </message>
    <message>
        <source>&amp;Epochs:</source>
        <translation>&amp;Epochen:</translation>
    </message>
    <message>
        <source>Held-out accuracy</source>
        <translation>Genauigkeit (zurückgehalten)</translation>
    </message>
    <message>
        <source>Held-out inputs where it is better</source>
        <translation>Zurückgehaltene Eingaben, bei denen er besser ist</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>Elternlauf</translation>
    </message>
    <message>
        <source>Child</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Child − parent</source>
        <translation>Kind − Eltern</translation>
    </message>
    <message>
        <source>Cancelling… (training stops after its current batch)</source>
        <translation>Wird abgebrochen… (das Training endet nach dem laufenden Batch)</translation>
    </message>
    <message>
        <source>New data for run %1</source>
        <translation>Neue Daten für Lauf %1</translation>
    </message>
    <message>
        <source>Data (*.csv *.txt);;All files (*)</source>
        <translation>Daten (*.csv *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose the new data file first.</source>
        <translation>Wählen Sie zuerst die neue Datendatei.</translation>
    </message>
    <message>
        <source>Retraining…</source>
        <translation>Wird neu trainiert…</translation>
    </message>
    <message>
        <source>Cancelled: %1</source>
        <translation>Abgebrochen: %1</translation>
    </message>
    <message>
        <source>Not retrained: %1</source>
        <translation>Nicht neu trainiert: %1</translation>
    </message>
    <message>
        <source>Done: child run #%1 written to the log.</source>
        <translation>Fertig: Kindlauf #%1 ins Log geschrieben.</translation>
    </message>
    <message>
        <source>Parent #%1</source>
        <translation>Elternlauf #%1</translation>
    </message>
    <message>
        <source>Child #%1</source>
        <translation>Kind #%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Promoted:&lt;/b&gt; child #%1 is tagged “promoted” (the lower end of the CI, %2 pt, lies above the margin of %3 pt).</source>
        <translation>&lt;b&gt;Befördert:&lt;/b&gt; Kind #%1 trägt den Tag „promoted“ (das untere Ende des KI, %2 Pkt., liegt über der Marge von %3 Pkt.).</translation>
    </message>
    <message>
        <source>&lt;b&gt;Not promoted:&lt;/b&gt; child #%1 is tagged “not-promoted” (the lower end of the CI, %2 pt, does not lie above the margin of %3 pt).</source>
        <translation>&lt;b&gt;Nicht befördert:&lt;/b&gt; Kind #%1 trägt den Tag „not-promoted“ (das untere Ende des KI, %2 Pkt., liegt nicht über der Marge von %3 Pkt.).</translation>
    </message>
    <message>
        <source>Paired difference (child − parent) %1 pt, %2 % CI [%3, %4] pt over %5 held-out inputs of %6. The child trained %7 steps %8.</source>
        <translation>Gepaarte Differenz (Kind − Eltern) %1 Pkt., %2-%-KI [%3, %4] Pkt. über %5 zurückgehaltene Eingaben von %6. Das Kind trainierte %7 Schritte %8.</translation>
    </message>
    <message>
        <source>from scratch</source>
        <translation>von Grund auf</translation>
    </message>
    <message>
        <source>from the parent&apos;s weights</source>
        <translation>von den Gewichten des Elternlaufs</translation>
    </message>
    <message>
        <source>Recursion run: an input is a held-out sequence, scored by its next-token accuracy.</source>
        <translation>Rekursionslauf: eine Eingabe ist eine zurückgehaltene Sequenz, bewertet nach ihrer Genauigkeit beim nächsten Token.</translation>
    </message>
    <message>
        <source>Core: %1</source>
        <translation>Kern: %1</translation>
    </message>
    <message>
        <source>No longer promoted: %1.</source>
        <translation>Nicht mehr befördert: %1.</translation>
    </message>
</context>
<context>
    <name>shell::RunAuditDialog</name>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>&amp;Verify</source>
        <translation>&amp;Prüfen</translation>
    </message>
    <message>
        <source>Audit trail of run %1</source>
        <translation>Prüfprotokoll von Lauf %1</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Einzelheiten</translation>
    </message>
    <message>
        <source>Verify re-hashes the run&apos;s stored config and its data files and compares them with the digests logged when the run started.</source>
        <translation>Prüfen berechnet die Prüfsummen der gespeicherten Konfiguration des Laufs und seiner Datendateien neu und vergleicht sie mit den beim Start protokollierten.</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Not recorded: this run was logged before log schema 4.</source>
        <translation>Nicht aufgezeichnet: Dieser Lauf wurde vor Log-Schema 4 protokolliert.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Aufgezeichnet</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <source>Command line</source>
        <translation>Befehlszeile</translation>
    </message>
    <message>
        <source>App version</source>
        <translation>App-Version</translation>
    </message>
    <message>
        <source>Git commit</source>
        <translation>Git-Commit</translation>
    </message>
    <message>
        <source>LibTorch</source>
        <translation>LibTorch</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Config SHA-256</source>
        <translation>SHA-256 der Konfiguration</translation>
    </message>
    <message>
        <source>Parent run</source>
        <translation>Elternlauf</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Sweep</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>Fortgesetzt</translation>
    </message>
    <message>
        <source>Data files</source>
        <translation>Datendateien</translation>
    </message>
    <message>
        <source>none (generated data)</source>
        <translation>keine (erzeugte Daten)</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>(unreadable when the run started)</source>
        <translation>(beim Start des Laufs nicht lesbar)</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <source>Hashing the config and the data files…</source>
        <translation>Prüfsummen von Konfiguration und Datendateien werden berechnet…</translation>
    </message>
    <message>
        <source>matches</source>
        <translation>stimmt überein</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>geändert</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>nicht aufgezeichnet</translation>
    </message>
    <message>
        <source>logged %1
now %2</source>
        <translation>protokolliert %1
jetzt %2</translation>
    </message>
    <message>
        <source>(no file)</source>
        <translation>(keine Datei)</translation>
    </message>
    <message>
        <source>This run can be reproduced as logged: the config and every data file hash as recorded.</source>
        <translation>Dieser Lauf ist wie protokolliert reproduzierbar: Konfiguration und alle Datendateien haben die aufgezeichneten Prüfsummen.</translation>
    </message>
    <message>
        <source>This run can NOT be reproduced as logged: see the items marked changed, missing or not recorded.</source>
        <translation>Dieser Lauf ist NICHT wie protokolliert reproduzierbar: siehe die Einträge „geändert“, „fehlt“ oder „nicht aufgezeichnet“.</translation>
    </message>
</context>
<context>
    <name>shell::RunBrowser</name>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
        <source>Edit &amp;tags…</source>
        <translation>&amp;Schlagwörter bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Notes…</source>
        <translation>&amp;Notizen…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation>Lauf umbenennen</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message numerus="yes">
        <source>Tags of %n run(s), separated by commas:</source>
        <translation>
            <numerusform>Schlagwörter von %n Lauf, durch Kommas getrennt:</numerusform>
            <numerusform>Schlagwörter von %n Läufen, durch Kommas getrennt:</numerusform>
        </translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Notes on “%1”:</source>
        <translation>Notizen zu „%1“:</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>Läufe löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) and everything logged for them? This cannot be undone.</source>
        <translation>
            <numerusform>%n Lauf und alles dazu Protokollierte löschen? Das lässt sich nicht rückgängig machen.</numerusform>
            <numerusform>%n Läufe und alles dazu Protokollierte löschen? Das lässt sich nicht rückgängig machen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Filter runs (name, status, data set, tags)…</source>
        <translation>Läufe filtern (Name, Status, Datensatz, Schlagwörter)…</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Load into Setup</source>
        <translation>In die Einrichtung &amp;laden</translation>
    </message>
    <message>
        <source>&amp;Audit trail…</source>
        <translation>&amp;Prüfprotokoll…</translation>
    </message>
    <message>
        <source>&amp;Prune…</source>
        <translation>&amp;Beschneiden…</translation>
    </message>
    <message>
        <source>&amp;Serving records…</source>
        <translation>&amp;Serving-Protokoll…</translation>
    </message>
    <message>
        <source>Retra&amp;in…</source>
        <translation>Neu &amp;trainieren…</translation>
    </message>
    <message>
        <source>Renaming run %1</source>
        <translation>Umbenennen von Lauf %1</translation>
    </message>
    <message numerus="yes">
        <source>Tagging %n run(s)</source>
        <translation>
            <numerusform>Tags für %n Lauf</numerusform>
            <numerusform>Tags für %n Läufe</numerusform>
        </translation>
    </message>
    <message>
        <source>Notes on run %1</source>
        <translation>Notizen zu Lauf %1</translation>
    </message>
    <message numerus="yes">
        <source>Deleting %n run(s)</source>
        <translation>
            <numerusform>Löschen von %n Lauf</numerusform>
            <numerusform>Löschen von %n Läufen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>shell::RunTableModel</name>
    <message>
        <source>Run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Best accuracy</source>
        <translation>Beste Genauigkeit</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
</context>
<context>
    <name>shell::ServingDialog</name>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Serving records of run %1</source>
        <translation>Serving-Protokoll von Lauf %1</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>Variante</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <source>Labelled</source>
        <translation>Mit Label</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Latency median</source>
        <translation>Latenz Median</translation>
    </message>
    <message>
        <source>Latency p95</source>
        <translation>Latenz p95</translation>
    </message>
    <message>
        <source>Latency mean</source>
        <translation>Latenz Mittel</translation>
    </message>
    <message>
        <source>Shadow agreement</source>
        <translation>Übereinstimmung (Schatten)</translation>
    </message>
    <message>
        <source>Per request, from the latency histogram (linear within a bucket)</source>
        <translation>Je Anfrage, aus dem Latenzhistogramm (linear innerhalb eines Fachs)</translation>
    </message>
    <message>
        <source>95th percentile per request, from the latency histogram</source>
        <translation>95. Perzentil je Anfrage, aus dem Latenzhistogramm</translation>
    </message>
    <message>
        <source>Correct answers among the inputs that were sent with a label</source>
        <translation>Richtige Antworten unter den Eingaben, die mit Label gesendet wurden</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>The serving records could not be read: %1</source>
        <translation>Das Serving-Protokoll ließ sich nicht lesen: %1</translation>
    </message>
    <message>
        <source>No serving records for run %1: it has not been served with `mor serve --log` yet.</source>
        <translation>Kein Serving-Protokoll für Lauf %1: Er wurde noch nicht mit `mor serve --log` bereitgestellt.</translation>
    </message>
    <message numerus="yes">
        <source>Run %1 was served in %n session(s); every variant of those sessions is listed. Latencies per request.</source>
        <translation>
            <numerusform>Lauf %1 wurde in %n Sitzung bereitgestellt; jede Variante dieser Sitzung ist aufgeführt. Latenzen je Anfrage.</numerusform>
            <numerusform>Lauf %1 wurde in %n Sitzungen bereitgestellt; jede Variante dieser Sitzungen ist aufgeführt. Latenzen je Anfrage.</numerusform>
        </translation>
    </message>
    <message>
        <source> (shadow mode)</source>
        <translation> (Schattenmodus)</translation>
    </message>
    <message>
        <source>no labels</source>
        <translation>keine Labels</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 (#%3) %4 of %5 correct (%6) vs %7 (#%8) %9 of %10 correct (%11); difference %12 points; two-proportion z-test z = %13, p = %14; Fisher&apos;s exact test p = %15: %16</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2 (#%3) %4 von %5 richtig (%6) gegenüber %7 (#%8) %9 von %10 richtig (%11); Differenz %12 Punkte; Zwei-Anteile-z-Test z = %13, p = %14; exakter Test nach Fisher p = %15: %16</translation>
    </message>
    <message>
        <source>significant at the 5% level</source>
        <translation>signifikant auf dem 5-%-Niveau</translation>
    </message>
    <message>
        <source>not significant at the 5% level</source>
        <translation>nicht signifikant auf dem 5-%-Niveau</translation>
    </message>
    <message>
        <source>No significance test: it needs two variants of one session with labelled requests (send a &quot;label&quot; with the inputs).</source>
        <translation>Kein Signifikanztest: Er braucht zwei Varianten einer Sitzung mit Anfragen mit Label (senden Sie ein &quot;label&quot; mit den Eingaben).</translation>
    </message>
</context>
<context>
    <name>sweeps</name>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>FLOPs / token</source>
        <translation>FLOPs / Token</translation>
    </message>
    <message>
        <source>FLOPs per token</source>
        <translation>FLOPs je Token</translation>
    </message>
    <message>
        <source>FLOPs / input</source>
        <translation>FLOPs / Eingabe</translation>
    </message>
    <message>
        <source>FLOPs per input</source>
        <translation>FLOPs je Eingabe</translation>
    </message>
</context>
<context>
    <name>sweeps::ImportanceTable</name>
    <message numerus="yes">
        <source>%n run(s). η²: share of the variance explained (one-way ANOVA); r: Pearson&apos;s correlation.</source>
        <translation>
            <numerusform>%n Lauf. η²: Anteil der erklärten Varianz (einfaktorielle ANOVA); r: Pearsons Korrelation.</numerusform>
            <numerusform>%n Läufe. η²: Anteil der erklärten Varianz (einfaktorielle ANOVA); r: Pearsons Korrelation.</numerusform>
        </translation>
    </message>
    <message>
        <source>η² = SS between the parameter&apos;s values / SS total, F its one-way ANOVA statistic; r is Pearson&apos;s correlation for numeric parameters (— for others).</source>
        <translation>η² = Quadratsumme zwischen den Werten des Parameters / gesamte Quadratsumme, F ihre Statistik der einfaktoriellen ANOVA; r ist Pearsons Korrelation für numerische Parameter (— für andere).</translation>
    </message>
    <message>
        <source>Importance for:</source>
        <translation>Wichtigkeit für:</translation>
    </message>
    <message>
        <source>test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>expert-steps per input</source>
        <translation>Experten-Schritte je Eingabe</translation>
    </message>
    <message>
        <source>time per input</source>
        <translation>Zeit je Eingabe</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Werte</translation>
    </message>
    <message>
        <source>r</source>
        <translation>r</translation>
    </message>
    <message>
        <source>η²</source>
        <translation>η²</translation>
    </message>
    <message>
        <source>F</source>
        <translation>F</translation>
    </message>
</context>
<context>
    <name>sweeps::ParallelCoordinates</name>
    <message>
        <source>test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>expert-steps / input</source>
        <translation>Experten-Schritte / Eingabe</translation>
    </message>
    <message>
        <source>ms / input</source>
        <translation>ms / Eingabe</translation>
    </message>
    <message>
        <source>No finished runs in this sweep yet.</source>
        <translation>In diesem Sweep gibt es noch keine beendeten Läufe.</translation>
    </message>
    <message>
        <source>%1
Drag along the axis to select runs; click it to clear.</source>
        <translation>%1
Entlang der Achse ziehen, um Läufe zu wählen; klicken, um die Auswahl zu löschen.</translation>
    </message>
</context>
<context>
    <name>sweeps::ParetoPlot</name>
    <message>
        <source>configuration: mean ± 95% CI</source>
        <translation>Konfiguration: Mittelwert ± 95-%-KI</translation>
    </message>
    <message>
        <source>Pareto front</source>
        <translation>Pareto-Front</translation>
    </message>
    <message>
        <source>expert-steps per input</source>
        <translation>Experten-Schritte je Eingabe</translation>
    </message>
    <message>
        <source>ms per input</source>
        <translation>ms je Eingabe</translation>
    </message>
    <message>
        <source>test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>%1 [%2, %3]</source>
        <translation>%1 [%2, %3]</translation>
    </message>
    <message>
        <source>%1 (n = %2)
accuracy %3
compute %4%5</source>
        <translation>%1 (n = %2)
Genauigkeit %3
Rechenaufwand %4%5</translation>
    </message>
    <message>
        <source>base config</source>
        <translation>Basiskonfiguration</translation>
    </message>
    <message>
        <source>
on the Pareto front</source>
        <translation>
auf der Pareto-Front</translation>
    </message>
    <message>
        <source>No finished run in this sweep yet.</source>
        <translation>Noch kein abgeschlossener Lauf in diesem Sweep.</translation>
    </message>
    <message>
        <source>No run of this sweep logged %1:
choose another compute axis.</source>
        <translation>Kein Lauf dieses Sweeps hat %1 protokolliert:
Wählen Sie eine andere Rechenaufwand-Achse.</translation>
    </message>
    <message>
        <source>The runs of this sweep logged no compute measure
(%1),
so there is no front to draw.
The table gives their run time.</source>
        <translation>Die Läufe dieses Sweeps haben kein Maß des Rechenaufwands
(%1) protokolliert,
daher gibt es keine Front zu zeichnen.
Die Tabelle nennt ihre Laufzeit.</translation>
    </message>
    <message>
        <source>expert-steps, FLOPs or time per input</source>
        <translation>Experten-Schritte, FLOPs oder Zeit je Eingabe</translation>
    </message>
</context>
<context>
    <name>sweeps::SweepGroupTable</name>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>mean %1, 95% CI [%2, %3], n = %4</source>
        <translation>Mittelwert %1, 95-%-KI [%2, %3], n = %4</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>Startwerte</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>Testgenauigkeit</translation>
    </message>
    <message>
        <source>Expert-steps / input</source>
        <translation>Experten-Schritte / Eingabe</translation>
    </message>
    <message>
        <source>ms / input</source>
        <translation>ms / Eingabe</translation>
    </message>
    <message>
        <source>Run time (s)</source>
        <translation>Laufzeit (s)</translation>
    </message>
    <message>
        <source>Mean over the finished seeds ± half-width of the 95% Student-t interval</source>
        <translation>Mittelwert über die beendeten Seeds ± halbe Breite des 95-%-Student-t-Intervalls</translation>
    </message>
    <message>
        <source>Seeds finished / seeds in the sweep</source>
        <translation>Beendete Seeds / Seeds im Sweep</translation>
    </message>
</context>
<context>
    <name>sweeps::SweepLauncher</name>
    <message>
        <source>Open a log first: the sweep writes its runs there.</source>
        <translation>Öffnen Sie zuerst ein Log: der Sweep schreibt seine Läufe dorthin.</translation>
    </message>
    <message>
        <source>The mor command was not found next to MoR Studio or on PATH.</source>
        <translation>Der Befehl mor wurde weder neben MoR Studio noch im PATH gefunden.</translation>
    </message>
    <message>
        <source>No base config: load or edit one in the Setup tab.</source>
        <translation>Keine Basiskonfiguration: laden oder bearbeiten Sie eine im Reiter Einrichtung.</translation>
    </message>
    <message>
        <source>Cannot write the base config to %1.</source>
        <translation>Die Basiskonfiguration lässt sich nicht nach %1 schreiben.</translation>
    </message>
    <message>
        <source>Check passed: every configuration is valid.</source>
        <translation>Prüfung bestanden: jede Konfiguration ist gültig.</translation>
    </message>
    <message>
        <source>Check failed (exit code %1).</source>
        <translation>Prüfung fehlgeschlagen (Exit-Code %1).</translation>
    </message>
    <message>
        <source>Sweep finished.</source>
        <translation>Sweep beendet.</translation>
    </message>
    <message>
        <source>The sweep ended with exit code %1; finish it later with mor sweep --log LOG --resume ID.</source>
        <translation>Der Sweep endete mit Exit-Code %1; beenden Sie ihn später mit mor sweep --log LOG --resume ID.</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) (configurations × seeds).</source>
        <translation>
            <numerusform>%n Lauf (Konfigurationen × Seeds).</numerusform>
            <numerusform>%n Läufe (Konfigurationen × Seeds).</numerusform>
        </translation>
    </message>
    <message>
        <source>Give every field values (comma separated) and seeds such as 1-5.</source>
        <translation>Geben Sie jedem Feld Werte (durch Kommas getrennt) und Seeds wie 1-5.</translation>
    </message>
    <message>
        <source>Launch a sweep</source>
        <translation>Einen Sweep starten</translation>
    </message>
    <message>
        <source>Every combination of the fields&apos; values is trained with every seed, starting from the Setup tab&apos;s config, as separate processes into the open log (mor sweep). Values are comma separated JSON values, e.g. 1,2,4 or &quot;gru&quot;,&quot;mlp&quot;.</source>
        <translation>Jede Kombination der Feldwerte wird mit jedem Seed trainiert, ausgehend von der Konfiguration im Reiter Einrichtung, als eigene Prozesse in das geöffnete Log (mor sweep). Werte sind durch Kommas getrennte JSON-Werte, z. B. 1,2,4 oder &quot;gru&quot;,&quot;mlp&quot;.</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Werte</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation>Feld hinzufügen</translation>
    </message>
    <message>
        <source>Remove field</source>
        <translation>Feld entfernen</translation>
    </message>
    <message>
        <source>Sweep name:</source>
        <translation>Name des Sweeps:</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>Seeds:</translation>
    </message>
    <message>
        <source>Processes at once:</source>
        <translation>Prozesse gleichzeitig:</translation>
    </message>
    <message>
        <source>Threads per process:</source>
        <translation>Threads je Prozess:</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Validate every configuration without training (--dry-run)</source>
        <translation>Jede Konfiguration ohne Training prüfen (--dry-run)</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>sweeps::SweepsView</name>
    <message>
        <source>#%1 %2 (%3, %4 of %5 runs finished)</source>
        <translation>#%1 %2 (%3, %4 von %5 Läufen beendet)</translation>
    </message>
    <message>
        <source>%1 finished, %2 running, %3 interrupted, %4 to do, %5 failed</source>
        <translation>%1 beendet, %2 laufen, %3 unterbrochen, %4 offen, %5 fehlgeschlagen</translation>
    </message>
    <message>
        <source>Sweeps</source>
        <translation>Sweeps</translation>
    </message>
    <message>
        <source>Sweep:</source>
        <translation>Sweep:</translation>
    </message>
    <message>
        <source>Compute axis:</source>
        <translation>Achse für den Rechenaufwand:</translation>
    </message>
    <message>
        <source>Expert-steps per input</source>
        <translation>Experten-Schritte je Eingabe</translation>
    </message>
    <message>
        <source>Time per input</source>
        <translation>Zeit je Eingabe</translation>
    </message>
    <message>
        <source>Launch sweep…</source>
        <translation>Sweep starten…</translation>
    </message>
    <message>
        <source>Run a grid of the setup&apos;s config over chosen fields and seeds (mor sweep) into this log</source>
        <translation>Ein Gitter der Einrichtungskonfiguration über gewählte Felder und Seeds (mor sweep) in dieses Log trainieren</translation>
    </message>
    <message>
        <source>Open a log to see its sweeps.</source>
        <translation>Öffnen Sie ein Log, um seine Sweeps zu sehen.</translation>
    </message>
    <message>
        <source>This log has no sweeps. Launch one here or with `mor sweep --config BASE.json --log LOG --grid KEY=V1,V2 --seeds 1-5`.</source>
        <translation>Dieses Log hat keine Sweeps. Starten Sie einen hier oder mit `mor sweep --config BASE.json --log LOG --grid KEY=V1,V2 --seeds 1-5`.</translation>
    </message>
    <message>
        <source>Drag along an axis to select runs in the run browser; click the axis to clear.</source>
        <translation>Entlang einer Achse ziehen, um Läufe im Lauf-Browser zu wählen; die Achse anklicken, um die Auswahl zu löschen.</translation>
    </message>
    <message>
        <source>#%1 %2 (%3, %4/%5)</source>
        <translation>#%1 %2 (%3, %4/%5)</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>The same in every configuration (no axis): %1</source>
        <translation>In jeder Konfiguration gleich (keine Achse): %1</translation>
    </message>
</context>
<context>
    <name>training::MetricPlots</name>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Loss terms</source>
        <translation>Verlustterme</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Activation per expert</source>
        <translation>Aktivierung je Experte</translation>
    </message>
    <message>
        <source>Mean depth / conflict rate</source>
        <translation>Mittlere Tiefe / Konfliktrate</translation>
    </message>
    <message>
        <source>Learning rate / throughput</source>
        <translation>Lernrate / Durchsatz</translation>
    </message>
    <message>
        <source>val, step %1</source>
        <translation>val, Schritt %1</translation>
    </message>
</context>
<context>
    <name>training::TrainingController</name>
    <message>
        <source>Stopping…</source>
        <translation>Wird angehalten…</translation>
    </message>
</context>
<context>
    <name>training::TrainingReplay</name>
    <message>
        <source>Replay the run evaluation by evaluation</source>
        <translation>Den Lauf Auswertung für Auswertung abspielen</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>Aktivierung</translation>
    </message>
    <message>
        <source>Accuracy at step t</source>
        <translation>Genauigkeit bei Schritt t</translation>
    </message>
    <message>
        <source>Validation accuracy if every expert stopped at reflection step t</source>
        <translation>Validierungsgenauigkeit, wenn jeder Experte bei Reflexionsschritt t anhielte</translation>
    </message>
    <message>
        <source>Fraction of validation inputs routed to each expert</source>
        <translation>Anteil der Validierungseingaben je Experte</translation>
    </message>
    <message>
        <source>No evaluation logged yet</source>
        <translation>Noch keine Auswertung protokolliert</translation>
    </message>
    <message>
        <source>Evaluation %1 of %2 · step %3</source>
        <translation>Auswertung %1 von %2 · Schritt %3</translation>
    </message>
    <message>
        <source>validation accuracy &lt;b&gt;%1&lt;/b&gt; · mean depth %2 · conflict rate %3</source>
        <translation>Validierungsgenauigkeit &lt;b&gt;%1&lt;/b&gt; · mittlere Tiefe %2 · Konfliktrate %3</translation>
    </message>
    <message>
        <source> · probe inputs %1 of %2 right</source>
        <translation> · Probe-Eingaben: %1 von %2 richtig</translation>
    </message>
    <message>
        <source>Routing at step %1 (inputs × experts)</source>
        <translation>Routing bei Schritt %1 (Eingaben × Experten)</translation>
    </message>
    <message>
        <source>No routing snapshot at step %1</source>
        <translation>Keine Routing-Momentaufnahme bei Schritt %1</translation>
    </message>
    <message>
        <source>This run logs no routing snapshots, expert activations or reflection steps (a recursion model): its tokens&apos; recursion depths are in the Sequence tab.</source>
        <translation>Dieser Lauf loggt keine Routing-Momentaufnahmen, Expertenaktivierungen oder Reflexionsschritte (ein Rekursionsmodell): die Rekursionstiefen seiner Tokens stehen im Reiter Sequenz.</translation>
    </message>
</context>
<context>
    <name>training::TrainingView</name>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>epoch %1/%2 · loss %3 · %4 samples/s · ETA %5</source>
        <translation>Epoche %1/%2 · Verlust %3 · %4 Beispiele/s · noch %5</translation>
    </message>
    <message>
        <source>Run %1 %2.</source>
        <translation>Lauf %1 %2.</translation>
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation>Lauf %1 %2: %3</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>No run selected — start one in Setup or pick one in the run browser.</source>
        <translation>Kein Lauf gewählt — starten Sie einen in der Einrichtung oder wählen Sie einen in der Laufliste.</translation>
    </message>
    <message>
        <source>Run %1 “%2” — %3 — %4</source>
        <translation>Lauf %1 „%2“ — %3 — %4</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;topp</translation>
    </message>
    <message>
        <source>Pause or resume the training between batches</source>
        <translation>Training zwischen Batches anhalten oder fortsetzen</translation>
    </message>
    <message>
        <source>Stop the training; the run ends as “stopped”</source>
        <translation>Training beenden; der Lauf endet als „stopped“</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>Metriken exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Save every metric of this run as CSV</source>
        <translation>Alle Metriken dieses Laufs als CSV speichern</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s)</source>
        <translation>
            <numerusform>%n Schritt</numerusform>
            <numerusform>%n Schritte</numerusform>
        </translation>
    </message>
    <message>
        <source>Run %1 (%2), %3 s</source>
        <translation>Lauf %1 (%2), %3 s</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird angehalten…</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 lässt sich nicht schreiben</translation>
    </message>
</context>
</TS>
