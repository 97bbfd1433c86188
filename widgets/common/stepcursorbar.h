#pragma once
// The shared step cursor of the reflection stepper: First / Back / Next / Last / Play with a
// speed slider. Owns only the position; the stepper moves every panel when it changes.
#include <QWidget>

class QLabel;
class QPushButton;
class QSlider;
class QTimer;

namespace common {

class StepCursorBar : public QWidget {
    Q_OBJECT
public:
    explicit StepCursorBar(QWidget* parent = nullptr);

    /// Number of cursor positions (0 disables the bar). Keeps the position when it still fits.
    void setCount(int count);
    int count() const { return m_count; }
    int current() const { return m_current; }
    bool isPlaying() const;
    /// Milliseconds between two steps while playing.
    int intervalMs() const;
    void setCaption(const QString& text);
    /// Icons only, the button names as tooltips: for a narrow pane, where the texts would be
    /// cut off (the Sequence tab's recursion stepper).
    void setCompact(bool compact);

public Q_SLOTS:
    void setCurrent(int position);
    void first();
    void back();
    void next();
    void last();
    void setPlaying(bool playing);

Q_SIGNALS:
    void currentChanged(int position);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateButtons();
    void retranslateUi();
    void setButtonText(QPushButton* button, const QString& text);

    bool m_compact = false;
    int m_count = 0;
    int m_current = 0;
    QPushButton* m_first;
    QPushButton* m_back;
    QPushButton* m_play;
    QPushButton* m_next;
    QPushButton* m_last;
    QSlider* m_speed;
    QLabel* m_caption;
    QLabel* m_speedLabel;
    QTimer* m_timer;
};

} // namespace common
