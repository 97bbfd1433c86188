#include "inspect/counterfactualsummary.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "common/engineaccess.h"

#include <mor/log_reader.h>
#include <mor/engine_interface.h>

#include <qcustomplot.h>

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QScrollBar>
#include <QStyle>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace inspect {

namespace {

struct SummaryResult {
    mor::CounterfactualTable table;
    QString error;
};

QColor kindColor(const std::string& kind) {
    if (kind == "halt") {
        return common::expertColor(0);
    }
    if (kind == "veto") {
        return common::expertColor(3);
    }
    if (kind == "route") {
        return common::expertColor(2);
    }
    return QColor(0x80, 0x80, 0x80);
}

/// The width that shows every column of `table`: its frame, a vertical scroll bar (always, or
/// only while one is shown) and each column's width (`hints`: the header's size hints, before
/// any row is filled; otherwise the sections' current sizes).
int widthOfColumns(const QTableWidget* table, bool hints, bool scrollBarAlways) {
    int width = 2 * table->frameWidth();
    if (scrollBarAlways || table->verticalScrollBar()->isVisible()) {
        width += table->style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    }
    const QHeaderView* header = table->horizontalHeader();
    for (int c = 0; c < table->columnCount(); ++c) {
        width += hints ? header->sectionSizeHint(c) : header->sectionSize(c);
    }
    return width;
}

} // namespace

struct CounterfactualSummary::Private {
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    qint64 step = -1;
    int generation = 0;
    bool busy = false;
    mor::CounterfactualTable table;
    QLabel* note = nullptr;
    QPushButton* compute = nullptr;
    QTableWidget* tableWidget = nullptr;
    QCustomPlot* plot = nullptr;
    QSplitter* splitter = nullptr;
};

CounterfactualSummary::CounterfactualSummary(QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>()) {
    setObjectName("counterfactualSummary");
    d->note = new QLabel(this);
    d->note->setObjectName("cfTableNote");
    d->note->setWordWrap(true);
    d->compute = new QPushButton(tr("Compute counterfactual accuracies"), this);
    d->compute->setObjectName("cfTableCompute");
    d->compute->setToolTip(tr("Evaluates the checkpoint on the test split once per row (the same "
                              "numbers as mor eval --counterfactual)"));
    d->tableWidget = new QTableWidget(0, 4, this);
    d->tableWidget->setObjectName("cfTable");
    // "Expert-steps / input" in two lines: the table's widest header beside the plot.
    d->tableWidget->setHorizontalHeaderLabels(
        {tr("What if"), tr("Test accuracy"), tr("vs. model"),
         tr("Expert-steps / input").replace(QStringLiteral(" / "), QStringLiteral("\n/ "))});
    d->tableWidget->verticalHeader()->setVisible(false);
    d->tableWidget->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Every header readable: the columns as wide as their texts (German ones are longer; a
    // stretched first column was cut to "s wäre we…"), the table at least as wide as they are.
    QHeaderView* header = d->tableWidget->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    d->tableWidget->setMinimumWidth(std::max(320, widthOfColumns(d->tableWidget, true, true)));
    d->plot = common::makePlot(this, "cfTablePlot");
    d->plot->setMinimumHeight(220);
    d->plot->plotLayout()->insertRow(0);
    d->plot->plotLayout()->addElement(0, 0,
                                      new QCPTextElement(d->plot, tr("Test accuracy if …"),
                                                         QFont(font().family(), 9, QFont::Bold)));
    d->plot->xAxis->setLabel(tr("test accuracy"));
    d->plot->xAxis->setRange(0.0, 1.0);
    QSharedPointer<QCPAxisTickerFixed> half(new QCPAxisTickerFixed);
    half->setTickStep(0.5); // 0, 0.5, 1: readable in a narrow plot
    d->plot->xAxis->setTicker(half);
    common::installExportMenu(d->plot);

    auto* top = new QHBoxLayout;
    top->addWidget(d->note, 1);
    top->addWidget(d->compute);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    d->splitter = splitter;
    splitter->addWidget(d->tableWidget);
    splitter->addWidget(d->plot);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    connect(d->compute, &QPushButton::clicked, this, &CounterfactualSummary::compute);
    setRun(nullptr, -1);
}

CounterfactualSummary::~CounterfactualSummary() = default;

QTableWidget* CounterfactualSummary::tableWidget() const {
    return d->tableWidget;
}
QCustomPlot* CounterfactualSummary::plot() const {
    return d->plot;
}
bool CounterfactualSummary::isBusy() const {
    return d->busy;
}
const mor::CounterfactualTable& CounterfactualSummary::table() const {
    return d->table;
}

void CounterfactualSummary::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->reader = runId >= 0 ? std::move(reader) : nullptr;
    d->runId = d->reader ? runId : -1;
    d->step = -1;
    ++d->generation;
    d->busy = false;
    show(mor::CounterfactualTable{});
}

void CounterfactualSummary::setStep(qint64 step) {
    if (step == d->step) {
        return;
    }
    d->step = step;
    ++d->generation;
    d->busy = false;
    show(mor::CounterfactualTable{});
}

void CounterfactualSummary::compute() {
    if (!d->reader) {
        return;
    }
    const int generation = ++d->generation;
    d->busy = true;
    d->compute->setEnabled(false);
    d->note->setText(tr("Evaluating the checkpoint on the test split, once per row …"));
    const std::string path = d->reader->path();
    const qint64 runId = d->runId, step = d->step;
    auto* watcher = new QFutureWatcher<SummaryResult>(this);
    connect(watcher, &QFutureWatcher<SummaryResult>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != d->generation) {
            return;
        }
        d->busy = false;
        const SummaryResult result = watcher->result();
        show(result.table);
        if (!result.error.isEmpty()) {
            d->note->setText(tr("Could not compute the table: %1").arg(result.error));
        }
        Q_EMIT computed();
    });
    watcher->setFuture(QtConcurrent::run([path, runId, step] {
        SummaryResult result;
        const auto table = common::EngineAccess::engine().counterfactualTable(path, runId, step);
        if (table) {
            result.table = table.value();
        } else {
            result.error = QString::fromStdString(table.error());
        }
        return result;
    }));
}

void CounterfactualSummary::show(const mor::CounterfactualTable& table) {
    d->table = table;
    d->compute->setEnabled(d->reader != nullptr);
    d->tableWidget->setRowCount(0);
    if (!d->reader) {
        d->note->setText(tr("No run open."));
    } else if (table.rows.empty()) {
        d->note->setText(tr("Is the router, the critique or the k-th step doing any work? Compute "
                            "the test accuracy of the checkpoint under each change."));
    } else {
        d->note->setText(tr("Checkpoint of step %1, %2 test inputs, maximum depth %3. \"halt at "
                            "t=%3\" is the fixed-depth accuracy.")
                             .arg(table.step)
                             .arg(table.samples)
                             .arg(table.maxDepth));
    }
    double model = -1.0;
    for (const auto& r : table.rows) {
        if (r.kind == "model") {
            model = r.accuracy;
        }
    }
    for (const auto& r : table.rows) {
        const int row = d->tableWidget->rowCount();
        d->tableWidget->insertRow(row);
        QString label;
        if (r.kind == "model") {
            label = tr("the model as trained");
        } else if (r.kind == "halt") {
            label = r.value == table.maxDepth ? tr("halt at t=%1 (fixed depth)").arg(r.value)
                                              : tr("halt at t=%1").arg(r.value);
        } else if (r.kind == "veto") {
            label = tr("veto expert E%1").arg(r.value);
        } else {
            label = r.value == table.bestExpert
                        ? tr("route all to E%1 (best fixed expert)").arg(r.value)
                        : tr("route all to E%1").arg(r.value);
        }
        // Two lines where the row names its kind in parentheses: every column fits beside the
        // plot (German labels are longer still).
        label.replace(QStringLiteral(" ("), QStringLiteral("\n("));
        auto* what = new QTableWidgetItem(label);
        what->setData(Qt::UserRole, QString::fromStdString(r.kind));
        what->setData(Qt::UserRole + 1, qlonglong(r.value));
        what->setForeground(kindColor(r.kind));
        auto* acc = new QTableWidgetItem(common::fmt(r.accuracy, 4));
        acc->setData(Qt::UserRole, r.accuracy);
        acc->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const double delta = r.accuracy - model;
        auto* vs = new QTableWidgetItem(
            r.kind == "model" ? QString() : (delta >= 0 ? "+" : "") + common::fmt(delta, 4));
        vs->setData(Qt::UserRole, delta);
        vs->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto* steps = new QTableWidgetItem(common::fmt(r.expertSteps, 2));
        steps->setData(Qt::UserRole, r.expertSteps);
        steps->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        d->tableWidget->setItem(row, 0, what);
        d->tableWidget->setItem(row, 1, acc);
        d->tableWidget->setItem(row, 2, vs);
        d->tableWidget->setItem(row, 3, steps);
    }
    d->tableWidget->resizeColumnsToContents();
    d->tableWidget->resizeRowsToContents();
    // Every column in view where the plot keeps room for its labels: the filled rows ("route
    // all to E1 (best fixed expert)") are wider than the headers the minimum width was set for.
    const int needed = widthOfColumns(d->tableWidget, false, false);
    const int total = d->splitter->width() - d->splitter->handleWidth();
    if (needed > d->tableWidget->width() && total - needed >= 220) {
        d->splitter->setSizes({needed, total - needed});
    }
    drawPlot();
}

void CounterfactualSummary::drawPlot() {
    QCustomPlot* plot = d->plot;
    plot->clearPlottables();
    plot->clearItems();
    common::applyPalette(plot, {plot->xAxis, plot->yAxis}, true);
    const int n = d->tableWidget->rowCount();
    // Horizontal bars, first row on top; one bar set per kind so each has its colour.
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    std::map<std::string, QCPBars*> bars;
    double model = -1.0;
    for (int i = 0; i < n; ++i) {
        const auto& r = d->table.rows[size_t(i)];
        const double key = n - 1 - i;
        ticker->addTick(key, d->tableWidget->item(i, 0)->text());
        QCPBars*& b = bars[r.kind];
        if (!b) {
            b = new QCPBars(plot->yAxis, plot->xAxis);
            b->setWidth(0.7);
            b->setPen(Qt::NoPen);
            b->setBrush(kindColor(r.kind));
        }
        b->addData(key, r.accuracy);
        if (r.kind == "model") {
            model = r.accuracy;
        }
    }
    plot->yAxis->setTicker(ticker);
    plot->yAxis->setRange(-0.6, std::max(0, n) - 0.4);
    plot->xAxis->setRange(0.0, 1.0);
    if (model >= 0) {
        auto* line = new QCPItemStraightLine(plot);
        line->point1->setCoords(model, 0);
        line->point2->setCoords(model, 1);
        line->setPen(QPen(palette().color(QPalette::WindowText), 1, Qt::DashLine));
    }
    plot->setMinimumHeight(std::max(220, 60 + 18 * n));
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void CounterfactualSummary::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        drawPlot();
    }
    QWidget::changeEvent(event);
}

} // namespace inspect
