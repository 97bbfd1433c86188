<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ConflictView</name>
    <message>
        <source>Filter: input, expert (E2), resolution…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>val/conflict_rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>conflicts per probe input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 conflicts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatasetSection</name>
    <message>
        <source>CSV files (*.csv *.csv.gz *.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IDX files (*-ubyte *-ubyte.gz *.idx*);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a CSV file to see its parsed columns.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 rows, %2 feature columns and the label (last column below).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an IDX images file and its labels file (MNIST format).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images of %1 × %2 pixels; labels match.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExpertTableModel</name>
    <message>
        <source>Expert %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max depth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Halting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>New experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open experiment log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment logs (*.sqlite *.db);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment configs (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About MoR Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;MoR Studio %1&lt;/h3&gt;&lt;p&gt;A workbench for Mixture-of-Reflection models: configure, train and inspect routers, reflecting experts and their integration.&lt;/p&gt;&lt;p&gt;License: GPL-3.0-or-later.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the running training before opening another log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1:
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MoR Studio — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded demo “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 — %n run(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No translation for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A training is running. Stop it and quit?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reflection stepper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Routing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This view arrives with the inspect views.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MoR Studio</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindowActions</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Recent logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset the setup to a default experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an experiment log (.sqlite)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save preset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Load preset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause / resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Large fonts, advanced settings hidden</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About MoR Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reflection stepper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Routing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MetricPlots</name>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss terms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation per expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean depth / conflict rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate / throughput</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Dead expert(s): %1 (routed &lt; 1%% of inputs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imbalance: E%1 takes %2× its fair share (%3 vs ideal %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imbalance: E%1 gets only %2 of inputs (ideal %3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReflectionStepperView</name>
    <message>
        <source>Router p and gates g</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>p, selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>p, not run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>gate g</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a run with traces: pick an evaluation step and an input on the left.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No traced input selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No run open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Input #%1&lt;/b&gt; (step %2)&lt;br&gt;%3&lt;br&gt;label &lt;b&gt;%4&lt;/b&gt;, domain %5&lt;br&gt;final answer &lt;b style=&apos;color:%6&apos;&gt;%7 (%8)&lt;/b&gt;&lt;br&gt;%9 expert(s), %10 expert-steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Integration (after %1 iterations)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reflection step t = %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RoutingView</name>
    <message>
        <source>Input (log order)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class × expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain × expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sort rows by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Aggregate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no routing logged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1 (%2 / %3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunBrowser</name>
    <message>
        <source>&amp;Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit &amp;tags…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Notes…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Tags of %n run(s), separated by commas:</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes on “%1”:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) and everything logged for them? This cannot be undone.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Filter runs (name, status, data set, tags)…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunTableModel</name>
    <message>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Best accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SetupView</name>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Length (bits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Modulus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domains</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label noise</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IDX images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IDX labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use at most</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Traced probe inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the router turns its probabilities into the set of experts that run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capacity factor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jitter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Balance loss weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Z-loss weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selector loss weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fusion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confidence exponent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confident at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extra iterations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accumulation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log traces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment configs (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicate expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The configuration is valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a demo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Router</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Integration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a demo above to load a ready-made experiment and read what it shows, or build your own configuration on the left.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingView</name>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch %1/%2 · loss %3 · %4 samples/s · ETA %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1 %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No run selected — start one in Setup or pick one in the run browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1 “%2” — %3 — %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause or resume the training between batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the training; the run ends as “stopped”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::ConflictPlots</name>
    <message>
        <source>Conflict score histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>conflict score D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>conflicts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict rate over training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>training step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved accuracy vs score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>conflict score D (binned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::ConflictTableModel</name>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click to open input #%1 in the stepper at the integration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Winner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Margin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::ExpertPanel</name>
    <message>
        <source>c_t, λ_t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>critique c_t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>halting λ_t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>draft right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>draft wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reflection step t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>t=%1: pred %2 %3
c=%4  λ=%5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
(halted at t=%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expert %1   gate %2   router p %3   halted at t=%4   answer %5 %6   confidence %7%8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>   (+%1 re-reflection)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::InputPreview</name>
    <message>
        <source>no input stored</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::IntegrationPanel</name>
    <message>
        <source>fusion weight w_j</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>conflict score D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fused answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>winner E%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Integration: answer %1 %2 (label %3)   conflict D = %4 %5 threshold %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>   resolution: %1, winner E%2, margin %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>   no conflict, margin %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::RoutingAggregatePlot</name>
    <message>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean routing probability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::RoutingHeatmap</name>
    <message>
        <source>expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>routing probability p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input (%1, in log order)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>domain %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>top E%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input #%1 (class %2, domain %3)
expert E%4: p = %5%6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
click: open in the stepper</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::RoutingLoadPlot</name>
    <message>
        <source>Load per expert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fraction routed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fraction of inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ideal %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::SamplePicker</name>
    <message>
        <source>Deepest reflection first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training step of the evaluation (checkpoint) whose traces are shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflicted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1  y=%2 → %3 %4  depth %5%6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  conflict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no input matches</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>inspect::StepCursorBar</name>
    <message>
        <source>First</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Workbench for Mixture-of-Reflection models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment log to open (default: the user&apos;s log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a bundled demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture of the window after 1.5 s and quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View to show: setup, training, stepper, routing, conflicts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme: light or dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language: en or de</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select this run id</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
