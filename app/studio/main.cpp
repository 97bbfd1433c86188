// mor-studio: the GUI (placeholder window until the views land).
#include "mor/version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLabel>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MoR Studio"));
    QApplication::setApplicationVersion(QString::fromStdString(mor::versionString()));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);
    QLabel label(QStringLiteral("MoR Studio"));
    label.resize(800, 600);
    label.show();
    return QApplication::exec();
}
