#include "common/stepcursorbar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QStyle>
#include <QTimer>

namespace common {

StepCursorBar::StepCursorBar(QWidget* parent)
    : QWidget(parent), m_first(new QPushButton(this)), m_back(new QPushButton(this)),
      m_play(new QPushButton(this)), m_next(new QPushButton(this)), m_last(new QPushButton(this)),
      m_speed(new QSlider(Qt::Horizontal, this)), m_caption(new QLabel(this)),
      m_speedLabel(new QLabel(this)), m_timer(new QTimer(this)) {
    m_first->setObjectName("firstButton");
    m_back->setObjectName("backButton");
    m_play->setObjectName("playButton");
    m_next->setObjectName("nextButton");
    m_last->setObjectName("lastButton");
    m_speed->setObjectName("speedSlider");
    m_caption->setObjectName("stepCaption");
    m_first->setIcon(style()->standardIcon(QStyle::SP_MediaSkipBackward));
    m_back->setIcon(style()->standardIcon(QStyle::SP_MediaSeekBackward));
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_next->setIcon(style()->standardIcon(QStyle::SP_MediaSeekForward));
    m_last->setIcon(style()->standardIcon(QStyle::SP_MediaSkipForward));
    m_play->setCheckable(true);
    // Slider to the right = faster: 1..10 steps per 2 seconds.
    m_speed->setRange(1, 10);
    m_speed->setValue(4);
    m_speed->setMaximumWidth(120);
    QFont bold = m_caption->font();
    bold.setBold(true);
    m_caption->setFont(bold);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : {static_cast<QWidget*>(m_first), static_cast<QWidget*>(m_back),
                       static_cast<QWidget*>(m_play), static_cast<QWidget*>(m_next),
                       static_cast<QWidget*>(m_last)}) {
        layout->addWidget(w);
    }
    layout->addWidget(m_speedLabel);
    layout->addWidget(m_speed);
    layout->addSpacing(12);
    layout->addWidget(m_caption, 1);

    connect(m_first, &QPushButton::clicked, this, &StepCursorBar::first);
    connect(m_back, &QPushButton::clicked, this, &StepCursorBar::back);
    connect(m_next, &QPushButton::clicked, this, &StepCursorBar::next);
    connect(m_last, &QPushButton::clicked, this, &StepCursorBar::last);
    connect(m_play, &QPushButton::toggled, this, &StepCursorBar::setPlaying);
    connect(m_speed, &QSlider::valueChanged, this, [this] { m_timer->setInterval(intervalMs()); });
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_current + 1 >= m_count) {
            setPlaying(false);
        } else {
            setCurrent(m_current + 1);
        }
    });
    m_timer->setInterval(intervalMs());
    updateButtons();
    retranslateUi();
}

void StepCursorBar::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void StepCursorBar::retranslateUi() {
    setButtonText(m_first, tr("First"));
    setButtonText(m_back, tr("Back"));
    setButtonText(m_next, tr("Next"));
    setButtonText(m_last, tr("Last"));
    setButtonText(m_play, m_timer->isActive() ? tr("Pause") : tr("Play"));
    m_speedLabel->setText(tr("Speed"));
    m_speed->setToolTip(tr("Play speed"));
}

void StepCursorBar::setCount(int count) {
    m_count = std::max(0, count);
    if (m_current >= m_count) {
        m_current = std::max(0, m_count - 1);
    }
    if (m_count == 0) {
        setPlaying(false);
    }
    updateButtons();
}

bool StepCursorBar::isPlaying() const {
    return m_timer->isActive();
}

int StepCursorBar::intervalMs() const {
    return 2000 / m_speed->value();
}

void StepCursorBar::setCaption(const QString& text) {
    m_caption->setText(text);
}

void StepCursorBar::setCompact(bool compact) {
    m_compact = compact;
    retranslateUi();
}

void StepCursorBar::setButtonText(QPushButton* button, const QString& text) {
    button->setText(m_compact ? QString() : text);
    button->setToolTip(m_compact ? text : QString());
}

void StepCursorBar::setCurrent(int position) {
    if (m_count == 0) {
        return;
    }
    position = std::clamp(position, 0, m_count - 1);
    const bool changed = position != m_current;
    m_current = position;
    updateButtons();
    if (changed) {
        Q_EMIT currentChanged(m_current);
    }
}

void StepCursorBar::first() {
    setCurrent(0);
}
void StepCursorBar::back() {
    setCurrent(m_current - 1);
}
void StepCursorBar::next() {
    setCurrent(m_current + 1);
}
void StepCursorBar::last() {
    setCurrent(m_count - 1);
}

void StepCursorBar::setPlaying(bool playing) {
    if (playing && m_count > 1) {
        // Playing from the end restarts, which is what a user pressing Play there wants.
        if (m_current + 1 >= m_count) {
            setCurrent(0);
        }
        m_timer->start();
    } else {
        m_timer->stop();
    }
    const QSignalBlocker blocker(m_play);
    m_play->setChecked(m_timer->isActive());
    setButtonText(m_play, m_timer->isActive() ? tr("Pause") : tr("Play"));
    m_play->setIcon(
        style()->standardIcon(m_timer->isActive() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void StepCursorBar::updateButtons() {
    const bool any = m_count > 0;
    m_first->setEnabled(any && m_current > 0);
    m_back->setEnabled(any && m_current > 0);
    m_next->setEnabled(any && m_current + 1 < m_count);
    m_last->setEnabled(any && m_current + 1 < m_count);
    m_play->setEnabled(m_count > 1);
}

} // namespace common
