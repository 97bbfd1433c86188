#pragma once
// The "Data set" group of the setup view: the kind (generated or read from files) with the
// parameters that kind uses, a CSV file picker with a preview of the parsed columns and the
// label, and the two IDX pickers; for the recursion family the token-sequence tasks (text,
// running_parity, addition) with their text file, sequence length and digits.
#include "mor/config.h"

#include <QGroupBox>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace setup {

class ConfigBinding;

class DatasetSection : public QGroupBox {
    Q_OBJECT
public:
    DatasetSection(ConfigBinding& binding, QWidget* parent = nullptr);
    /// Offers the data kinds of `family`, shows the rows of the config's data kind and
    /// refreshes the CSV preview if the file or the label column changed.
    void update(const mor::DataConfig& data, mor::Family family);
    void retranslate();
    /// The preview of the parsed CSV (rows shown, columns incl. the label column).
    QTableWidget* preview() const { return m_preview; }

private:
    QWidget* fileRow(QLineEdit* edit, const QString& path, const QString& filter);
    void updateCsvPreview(const mor::DataConfig& data);
    void updateIdxInfo(const mor::DataConfig& data);

    ConfigBinding& m_binding;
    QComboBox* m_kind = nullptr;
    QLineEdit* m_textPath = nullptr;
    QTableWidget* m_preview = nullptr;
    QLabel* m_previewInfo = nullptr;
    QLabel* m_idxInfo = nullptr;
    QString m_previewKey; ///< path + label column the preview shows
    QString m_idxKey;
};

} // namespace setup
