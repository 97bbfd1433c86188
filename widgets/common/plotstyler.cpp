#include "common/plotstyler.h"

#include "common/plotstyle.h"

#include <QApplication>
#include <QEvent>
#include <QPointer>
#include <QTimer>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <typeinfo>

namespace common {

namespace {
const char* kAttached = "morPlotStyler";
const char* kFitHeight = "morFitHeight";     ///< the design minimum height (int)
const char* kFitFont = "morFitFont";         ///< the font size that height was designed for
const char* kBaseWidth = "morBasePenWidth";  ///< pen width the owner chose
const char* kSetWidth = "morSetPenWidth";    ///< pen width the styler last set
const char* kBaseScatter = "morBaseScatter"; ///< scatter size the owner chose
const char* kSetScatter = "morSetScatter";
const char* kBaseTicks = "morBaseTickCount"; ///< tick count the owner chose (vertical axis)
const char* kSetTicks = "morSetTickCount";

/// `base` with an explicit point size (scaled) and the weight/style of `like`.
QFont sized(const QFont& base, double factor, const QFont& like) {
    QFont font = base;
    font.setPointSizeF(std::max(6.0, base.pointSizeF() * factor));
    font.setBold(like.bold());
    font.setItalic(like.italic());
    return font;
}

/// The owner's value, unless the styler set the current one; then the remembered original.
double ownerValue(QObject* object, const char* baseKey, const char* setKey, double current) {
    const QVariant set = object->property(setKey);
    if (!set.isValid() || !qFuzzyCompare(set.toDouble() + 1.0, current + 1.0)) {
        object->setProperty(baseKey, current); // the owner changed it (or first time)
        return current;
    }
    return object->property(baseKey).toDouble();
}

void styleAxis(QCPAxis* axis, const QFont& base) {
    const QFont label = sized(base, 1.0, axis->labelFont());
    const QFont ticks = sized(base, 1.0, axis->tickLabelFont());
    if (axis->labelFont() != label) {
        axis->setLabelFont(label);
    }
    if (axis->tickLabelFont() != ticks) {
        axis->setTickLabelFont(ticks);
    }
}
/// A vertical axis's ticks 1.5 label heights apart or more, never more than its owner asked
/// for: in a short rect (a pane at 1280x800 in presentation mode) the five ticks 0, 0.2 … 1
/// were drawn over each other. Only the plain ticker: text, fixed-step, log and time tickers
/// place their own ticks. The height is the rect's from the last layout; a resize replots.
void fitTickCount(QCPAxis* axis) {
    QCPAxisTicker* ticker = axis->ticker().data();
    const int length = axis->axisRect()->height();
    if (axis->orientation() != Qt::Vertical || !ticker ||
        typeid(*ticker) != typeid(QCPAxisTicker) || length <= 0) {
        return;
    }
    const int owner =
        std::max(1, int(ownerValue(axis, kBaseTicks, kSetTicks, ticker->tickCount())));
    const int line = QFontMetrics(axis->tickLabelFont()).height();
    const int want = std::clamp(2 * length / std::max(1, 3 * line), 1, owner);
    if (ticker->tickCount() != want) {
        ticker->setTickCount(want);
    }
    axis->setProperty(kSetTicks, want);
}

/// An axis title longer than its axis runs past the rect's ends, into neighbours or out of
/// the widget: the rect's inner size must at least hold its titles (e.g. the rotated "fusion
/// weight w_j" at 1.5x). QCustomPlot's own minimum (50 x 50 px) knows nothing of titles.
void fitAxisTitles(QCPAxisRect* rect) {
    int width = 50, height = 50;
    for (QCPAxis* axis : rect->axes()) {
        if (!axis->visible() || axis->label().isEmpty()) {
            continue;
        }
        const QRect text = QFontMetrics(axis->labelFont())
                               .boundingRect(0, 0, 0, 0, Qt::TextDontClip, axis->label());
        if (axis->orientation() == Qt::Vertical) {
            height = std::max(height, text.width() + 2);
        } else {
            width = std::max(width, text.width() + 2);
        }
    }
    if (rect->minimumSize() != QSize(width, height)) {
        rect->setMinimumSize(width, height);
    }
}
/// A legend laid out in a column of the plot's layout that also holds an axis rect (above or
/// under the axes) must not cap that column's width. QCustomPlot caps a column at its elements'
/// smallest maximum width, and an empty legend's is its margins (a plot before any curve drew
/// its axes 83 px wide in a 539 px widget), hidden or not. A set maximum below QWIDGETSIZE_MAX,
/// margins included, overrides that hint; a legend in a column of its own keeps its hint.
void uncapLegendColumns(QCPLayoutGrid* layout) {
    for (int col = 0; col < layout->columnCount(); ++col) {
        bool axes = false;
        QList<QCPLegend*> legends;
        for (int row = 0; row < layout->rowCount(); ++row) {
            if (!layout->hasElement(row, col)) {
                continue; // element() would warn of an empty cell
            }
            QCPLayoutElement* element = layout->element(row, col);
            axes = axes || qobject_cast<QCPAxisRect*>(element) != nullptr;
            if (auto* legend = qobject_cast<QCPLegend*>(element)) {
                legends << legend;
            }
        }
        for (QCPLegend* legend : legends) {
            if (axes && legend->maximumSize().width() == QWIDGETSIZE_MAX) {
                legend->setMaximumSize(QWIDGETSIZE_MAX / 2, legend->maximumSize().height());
            }
        }
    }
}
/// Grey (white, black and the themes' greys) as opposed to a colour that means something.
bool neutral(const QColor& c) {
    return c.alpha() > 0 && c.hsvSaturation() < 40;
}

/// `c`, or `fg` when `c` is a grey that does not stand out from the background `bg` (black
/// text on the dark theme, near-white lines on the light one).
QColor readable(const QColor& c, const QColor& fg, const QColor& bg) {
    return neutral(c) && std::abs(c.lightness() - bg.lightness()) < 110 ? fg : c;
}

/// Text of a colour that means something (the routing load's red "ideal" label) keeps its hue
/// but moves its lightness away from the background until it reads (contrast 4.5, WCAG AA):
/// dark red on the dark theme's grey becomes a light red.
QColor legibleText(const QColor& c, const QColor& fg, const QColor& bg) {
    QColor text = readable(c, fg, bg);
    const bool darkBg = bg.lightness() < 128;
    for (int step = 0; step < 20 && contrastRatio(text, bg) < 4.5; ++step) {
        const QColor hsl = text.toHsl();
        const int l = std::clamp(hsl.lightness() + (darkBg ? 12 : -12), 0, 255);
        text = QColor::fromHsl(hsl.hslHue(), hsl.hslSaturation(), l, hsl.alpha());
    }
    return text;
}

QPen readablePen(QPen pen, const QColor& fg, const QColor& bg) {
    if (pen.style() != Qt::NoPen) {
        const QColor want = readable(pen.color(), fg, bg);
        if (want != pen.color()) {
            pen.setColor(want);
        }
    }
    return pen;
}

/// The neutral surfaces follow the palette (Window around, Base inside the data area);
/// coloured ones (a heat map's, a highlighted band) stay as their owner set them.
QBrush themedBrush(const QBrush& brush, const QColor& want) {
    if (brush.style() == Qt::SolidPattern && neutral(brush.color()) && brush.color() != want) {
        return QBrush(want);
    }
    return brush;
}

void themeAxis(QCPAxis* axis, const QColor& fg, const QColor& bg, const QColor& grid) {
    axis->setBasePen(readablePen(axis->basePen(), fg, bg));
    axis->setTickPen(readablePen(axis->tickPen(), fg, bg));
    axis->setSubTickPen(readablePen(axis->subTickPen(), fg, bg));
    axis->setTickLabelColor(readable(axis->tickLabelColor(), fg, bg));
    axis->setLabelColor(readable(axis->labelColor(), fg, bg));
    QPen gridPen = axis->grid()->pen();
    if (gridPen.style() != Qt::NoPen && neutral(gridPen.color())) {
        gridPen.setColor(grid);
        axis->grid()->setPen(gridPen);
    }
    QPen sub = axis->grid()->subGridPen();
    if (sub.style() != Qt::NoPen && neutral(sub.color())) {
        sub.setColor(grid);
        axis->grid()->setSubGridPen(sub);
    }
    axis->grid()->setZeroLinePen(readablePen(axis->grid()->zeroLinePen(), grid, bg));
}
} // namespace

void PlotStyler::setLegendTextColor(QCPLegend* legend, const QColor& color) {
    bool gaps = false;
    for (int i = 0; i < legend->itemCount(); ++i) {
        gaps = gaps || legend->item(i) == nullptr;
    }
    if (!gaps) {
        legend->setTextColor(color); // also the colour of items added later
        return;
    }
    for (int i = 0; i < legend->itemCount(); ++i) {
        if (QCPAbstractLegendItem* item = legend->item(i)) {
            item->setTextColor(color);
        }
    }
}

void PlotStyler::applyTheme(QCustomPlot* plot) {
    const QPalette pal = plot->palette();
    const QColor fg = pal.color(QPalette::WindowText), window = pal.color(QPalette::Window);
    const QColor base = pal.color(QPalette::Base);
    const bool dark = window.lightness() < 128;
    const QColor grid = dark ? QColor(85, 85, 90) : QColor(200, 200, 200);
    plot->setBackground(QBrush(window)); // QCustomPlot has no getter for its brush
    for (QCPAxisRect* rect : plot->axisRects()) {
        rect->setBackground(themedBrush(rect->background(), base));
        for (QCPAxis* axis : rect->axes()) {
            themeAxis(axis, fg, base, grid);
        }
    }
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true)) {
        if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            text->setTextColor(readable(text->textColor(), fg, window));
        } else if (auto* legend = qobject_cast<QCPLegend*>(element)) {
            legend->setBrush(themedBrush(legend->brush(), base));
            legend->setBorderPen(readablePen(legend->borderPen(), pal.color(QPalette::Mid), base));
            for (int i = 0; i < legend->itemCount(); ++i) {
                // A wrapped legend's grid has empty cells: item() is null there.
                if (QCPAbstractLegendItem* item = legend->item(i)) {
                    item->setTextColor(readable(item->textColor(), fg, base));
                }
            }
        } else if (auto* scale = qobject_cast<QCPColorScale*>(element)) {
            themeAxis(scale->axis(), fg, window, grid);
        }
    }
    for (int i = 0; i < plot->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i))) {
            // Text on its own box keeps its colours, and so does a heat map's cell label (its
            // colour follows its cell); text on the data area must stay readable.
            if (text->brush().style() == Qt::NoBrush && !isCellLabel(text)) {
                text->setColor(legibleText(text->color(), fg, base));
            }
        }
    }
}

PlotStyler::PlotStyler(QObject* parent) : QObject(parent) {}

PlotStyler* PlotStyler::instance() {
    static QPointer<PlotStyler> styler;
    if (!styler && qApp) {
        styler = new PlotStyler(qApp);
        qApp->installEventFilter(styler);
    }
    return styler;
}

void PlotStyler::setLineScale(double scale) {
    m_lineScale = scale;
    for (QWidget* w : QApplication::allWidgets()) {
        if (auto* plot = qobject_cast<QCustomPlot*>(w)) {
            attach(plot);
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
    }
}

bool PlotStyler::eventFilter(QObject* watched, QEvent* event) {
    const QEvent::Type type = event->type();
    if (type == QEvent::Show || type == QEvent::Resize) {
        // See fitHeight(): a plot must never lay out into a stale viewport.
        auto* plot = qobject_cast<QCustomPlot*>(watched);
        if (plot && type == QEvent::Resize && plot->rect().isEmpty()) {
            // Squeezed to nothing (a splitter or a size grip): QCustomPlot would re-allocate
            // its paint buffers at zero size and paint into a null pixmap (a QPainter warning
            // at every replot). The old viewport stays until the plot has an area again.
            return true;
        }
        if (plot && plot->property(kAttached).toBool()) {
            QTimer::singleShot(0, plot, [plot] {
                if (!plot->rect().isEmpty() && plot->viewport() != plot->rect()) {
                    plot->setViewport(plot->rect());
                    plot->replot(QCustomPlot::rpQueuedReplot);
                }
            });
        }
    } else if (type == QEvent::PaletteChange || type == QEvent::ApplicationPaletteChange) {
        // Light <-> dark: the next replot re-colours the plot (restyle -> applyTheme).
        if (auto* plot = qobject_cast<QCustomPlot*>(watched)) {
            attach(plot);
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
    } else if (type == QEvent::Polish || type == QEvent::FontChange) {
        if (auto* plot = qobject_cast<QCustomPlot*>(watched)) {
            attach(plot);
            if (type == QEvent::FontChange) {
                plot->replot(QCustomPlot::rpQueuedReplot);
            }
        }
    }
    return QObject::eventFilter(watched, event);
}

void PlotStyler::attach(QCustomPlot* plot) {
    if (plot->property(kAttached).toBool()) {
        return;
    }
    plot->setProperty(kAttached, true);
    // Before every replot: new axes, legends and graphs appear at any time (a new run, a new
    // input in the stepper), and they get the current look before they are laid out.
    connect(plot, &QCustomPlot::beforeReplot, plot, [plot] {
        restyle(plot, instance() ? instance()->lineScale() : 1.0);
    });
    connect(plot, &QCustomPlot::afterLayout, plot, [plot] { fitHeight(plot); });
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotStyler::restyle(QCustomPlot* plot, double lineScale) {
    applyTheme(plot);
    uncapLegendColumns(plot->plotLayout());
    const QFont base = plot->font();
    for (QCPAxisRect* rect : plot->axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            styleAxis(axis, base);
            fitTickCount(axis);
        }
        fitAxisTitles(rect);
    }
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true)) {
        if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            const QFont font = sized(base, 1.0, text->font());
            if (text->font() != font) {
                text->setFont(font);
            }
        } else if (auto* legend = qobject_cast<QCPLegend*>(element)) {
            const QFont font = sized(base, 0.75, legend->font());
            if (legend->font() != font) {
                legend->setFont(font);
            }
        } else if (auto* scale = qobject_cast<QCPColorScale*>(element)) {
            styleAxis(scale->axis(), base);
        }
    }
    for (int i = 0; i < plot->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i))) {
            const QFont font = sized(base, 0.85, text->font());
            if (text->font() != font) {
                text->setFont(font);
            }
        }
    }
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* p = plot->plottable(i);
        QPen pen = p->pen();
        if (pen.style() != Qt::NoPen) {
            const double owner = ownerValue(p, kBaseWidth, kSetWidth, pen.widthF());
            // A cosmetic pen (width 0) draws one pixel: scale from 1.
            const double want =
                qFuzzyCompare(lineScale, 1.0) ? owner : std::max(owner, 1.0) * lineScale;
            if (!qFuzzyCompare(pen.widthF() + 1.0, want + 1.0)) {
                pen.setWidthF(want);
                p->setPen(pen);
            }
            p->setProperty(kSetWidth, want);
        }
        if (auto* graph = qobject_cast<QCPGraph*>(p);
            graph && graph->scatterStyle().shape() != QCPScatterStyle::ssNone) {
            QCPScatterStyle style = graph->scatterStyle();
            const double owner = ownerValue(graph, kBaseScatter, kSetScatter, style.size());
            const double want = owner * std::sqrt(lineScale);
            if (!qFuzzyCompare(style.size() + 1.0, want + 1.0)) {
                style.setSize(want);
                graph->setScatterStyle(style);
            }
            graph->setProperty(kSetScatter, want);
        }
    }
}

void PlotStyler::setFitHeight(QCustomPlot* plot) {
    plot->setProperty(kFitHeight, plot->minimumHeight());
    plot->setProperty(kFitFont, plot->font().pointSizeF());
    if (instance()) {
        instance()->attach(plot);
    }
}

void PlotStyler::fitHeight(QCustomPlot* plot) {
    const QVariant design = plot->property(kFitHeight);
    if (!design.isValid()) {
        return;
    }
    // The design height grows with the font, so the plots keep their proportions; and never
    // below what the layout needs at the current fonts: titles, axis labels, tick labels and
    // the axis rects' own minimum sizes. Growing the widget re-lays it out without clipping.
    const double designFont = plot->property(kFitFont).toDouble();
    const double scale =
        designFont > 0 ? std::max(1.0, plot->font().pointSizeF() / designFont) : 1.0;
    const int need = std::max(int(std::lround(design.toInt() * scale)),
                              plot->plotLayout()->minimumOuterSizeHint().height());
    if (need != plot->minimumHeight()) {
        // setMinimumHeight() resizes a shorter widget at once, i.e. inside this replot, where
        // QCustomPlot::resizeEvent's own replot is ignored: queue one, or the plot keeps the
        // layout of its old height (a blank band below the axes).
        plot->setMinimumHeight(need);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    // A resize that arrives while the plot is hidden (the stepper builds its panels before the
    // window shows) can leave QCustomPlot laying out into its old viewport: catch up (not to
    // an empty one: see eventFilter).
    if (!plot->rect().isEmpty() && plot->viewport() != plot->rect()) {
        plot->setViewport(plot->rect());
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace common
