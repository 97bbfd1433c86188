#include "windowtexts.h"

#include "sequence/tokenflowwidget.h"

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QTabBar>
#include <QTextDocumentFragment>
#include <QToolBar>

#include <algorithm>

namespace monkey {
namespace {

QString plain(const QString& text) {
    QString t = Qt::mightBeRichText(text) ? QTextDocumentFragment::fromHtml(text).toPlainText()
                                          : text;
    t.remove(QLatin1Char('&'));
    return t.simplified();
}

QString nameOf(const QObject* o) {
    return QStringLiteral("%1(%2)").arg(QString::fromLatin1(o->metaObject()->className()),
                                        o->objectName());
}

void add(QList<ShownText>& out, const QObject* o, const char* what, const QString& text) {
    const QString t = plain(text);
    if (!t.isEmpty()) {
        out.append({nameOf(o) + QLatin1Char('.') + QLatin1String(what), t});
    }
}

void addActions(QList<ShownText>& out, const QObject* owner, const QList<QAction*>& actions) {
    for (QAction* a : actions) {
        if (a->isSeparator()) {
            continue;
        }
        add(out, owner, "action", a->text());
        add(out, owner, "statusTip", a->statusTip());
        if (a->menu()) {
            addActions(out, a->menu(), a->menu()->actions());
        }
    }
}

void addPlot(QList<ShownText>& out, const QCustomPlot* plot) {
    for (QCPAxisRect* rect : plot->axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            if (axis->visible()) {
                add(out, plot, "axis", axis->label());
            }
        }
    }
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) {
            add(out, plot, "title", title->text());
        }
    }
    if (plot->legend && plot->legend->visible()) {
        for (int i = 0; i < plot->legend->itemCount(); ++i) {
            if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i))) {
                add(out, plot, "legend", item->plottable()->name());
            }
        }
    }
    for (int i = 0; i < plot->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)); text && text->visible()) {
            add(out, plot, "item", text->text());
        }
    }
}

void addView(QList<ShownText>& out, const QAbstractItemView* view) {
    const QAbstractItemModel* model = view->model();
    if (!model) {
        return;
    }
    for (int c = 0; c < model->columnCount(); ++c) {
        add(out, view, "header", model->headerData(c, Qt::Horizontal).toString());
    }
    for (int r = 0; r < std::min(model->rowCount(), 30); ++r) {
        for (int c = 0; c < model->columnCount(); ++c) {
            const QVariant v = model->index(r, c).data();
            if (v.typeId() == QMetaType::QString) {
                add(out, view, "cell", v.toString());
            }
            add(out, view, "cellTip", model->index(r, c).data(Qt::ToolTipRole).toString());
        }
    }
}

void addWidget(QList<ShownText>& out, QWidget* w) {
    add(out, w, "toolTip", w->toolTip());
    if (auto* label = qobject_cast<QLabel*>(w)) {
        add(out, w, "text", label->text());
    } else if (auto* button = qobject_cast<QAbstractButton*>(w)) {
        add(out, w, "text", button->text());
    } else if (auto* box = qobject_cast<QGroupBox*>(w)) {
        add(out, w, "title", box->title());
    } else if (auto* tabs = qobject_cast<QTabBar*>(w)) {
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->isTabVisible(i)) {
                add(out, w, "tab", tabs->tabText(i));
                add(out, w, "tabTip", tabs->tabToolTip(i));
            }
        }
    } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
        for (int i = 0; i < combo->count(); ++i) {
            add(out, w, "item", combo->itemText(i));
        }
    } else if (auto* line = qobject_cast<QLineEdit*>(w)) {
        add(out, w, "placeholder", line->placeholderText());
    } else if (auto* edit = qobject_cast<QPlainTextEdit*>(w)) {
        add(out, w, "placeholder", edit->placeholderText());
        for (const QString& l : edit->toPlainText().split(QLatin1Char('\n'))) {
            add(out, w, "line", l);
        }
    } else if (auto* view = qobject_cast<QAbstractItemView*>(w)) {
        addView(out, view);
    } else if (auto* dock = qobject_cast<QDockWidget*>(w)) {
        add(out, w, "title", dock->windowTitle());
    } else if (auto* flow = qobject_cast<sequence::TokenFlowWidget*>(w)) {
        add(out, w, "answer", flow->answerText()); // painted under the tokens
    } else if (auto* plot = qobject_cast<QCustomPlot*>(w)) {
        addPlot(out, plot);
    } else if (auto* bar = qobject_cast<QToolBar*>(w)) {
        addActions(out, w, bar->actions());
    }
}

/// Where a widget is squeezed below its minimum size hint, as "WxH < needed WxH" (or "").
QString squeezed(const QWidget* w) {
    const QSize need = w->minimumSizeHint();
    if (need.isValid() && (w->width() < need.width() || w->height() < need.height())) {
        return QStringLiteral("%1x%2 < needed %3x%4")
            .arg(w->width())
            .arg(w->height())
            .arg(need.width())
            .arg(need.height());
    }
    return {};
}

} // namespace

QList<ShownText> clippedTexts(QWidget* root) {
    QList<ShownText> out;
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisible() || w->width() <= 0) {
            continue;
        }
        QString text, how;
        if (auto* label = qobject_cast<QLabel*>(w); label && !label->wordWrap()) {
            text = label->text();
            how = squeezed(w);
        } else if (auto* button = qobject_cast<QAbstractButton*>(w)) {
            text = button->text();
            how = squeezed(w);
        } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
            text = combo->currentText();
            how = squeezed(w);
        } else if (auto* plot = qobject_cast<QCustomPlot*>(w)) {
            for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
                auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i));
                const int wide =
                    title ? QFontMetrics(title->font())
                                .boundingRect(0, 0, 0, 0, Qt::TextDontClip, title->text())
                                .width()
                          : 0;
                if (title && title->visible() && wide > plot->width()) {
                    text = title->text();
                    how = QStringLiteral("title %1 px wide in a %2 px plot")
                              .arg(wide)
                              .arg(plot->width());
                }
            }
            // A plot squeezed below the height its layout needs (a splitter pane too short
            // for it) draws its axes past its bottom edge: the x axis and legend are cut.
            const int need = std::max(plot->minimumHeight(),
                                      plot->plotLayout()->minimumOuterSizeHint().height());
            if (how.isEmpty() && plot->height() < need) {
                text = plot->objectName();
                how = QStringLiteral("plot %1 px high, its layout needs %2 px")
                          .arg(plot->height())
                          .arg(need);
            }
        }
        if (!how.isEmpty() && !plain(text).isEmpty()) {
            out.append({nameOf(w) + QStringLiteral(": ") + how, plain(text)});
        }
    }
    return out;
}

QList<ShownText> collectTexts(QWidget* root) {
    QList<ShownText> out;
    if (auto* window = qobject_cast<QMainWindow*>(root)) {
        add(out, root, "windowTitle", window->windowTitle());
        addActions(out, window->menuBar(), window->menuBar()->actions());
    }
    QList<QWidget*> widgets{root};
    widgets += root->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (w->isVisible()) {
            addWidget(out, w);
        }
    }
    return out;
}

} // namespace monkey
