package dev.eddy.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts written as PNG files (XChart, rendered off-screen: the JVM runs headless, so no display is needed).
 * Non-finite points are left out of a series; a series without any finite point is not drawn.
 */
public final class Plots {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Width and height of every chart, in pixels. */
    public static final int WIDTH = 900;

    public static final int HEIGHT = 520;

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)
    };

    private Plots() {}

    /** One named line: x_i, y_i. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(
                        "series '" + name + "' needs as many x as y values, got " + x.length + " and " + y.length);
            }
        }
    }

    /**
     * A chart: title, axis titles, log scales, and optional vertical marker lines (e.g. where training stopped, or
     * a generator's drift points).
     *
     * @param markers x of each dashed vertical line
     * @param markerLabel what the lines mark, shown in the title
     */
    public record Chart(
            String title,
            String xTitle,
            String yTitle,
            boolean logX,
            boolean logY,
            double[] markers,
            String markerLabel) {

        public static Chart of(String title, String xTitle, String yTitle) {
            return new Chart(title, xTitle, yTitle, false, false, new double[0], "");
        }

        public Chart withLogX() {
            return new Chart(title, xTitle, yTitle, true, logY, markers, markerLabel);
        }

        public Chart withLogY() {
            return new Chart(title, xTitle, yTitle, logX, true, markers, markerLabel);
        }

        public Chart withMarker(double x, String label) {
            return withMarkers(new double[] {x}, label);
        }

        public Chart withMarkers(double[] xs, String label) {
            return new Chart(title, xTitle, yTitle, logX, logY, xs.clone(), label);
        }
    }

    /**
     * Writes {@code chart} with {@code series} to the file {@code png}, named as given. A log axis drops points ≤ 0 on
     * that axis.
     *
     * @return false when no series had a point to draw (nothing is written)
     */
    public static boolean write(Path png, Chart chart, List<Series> series) throws IOException {
        XYChart xy = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(chart.title())
                .xAxisTitle(chart.xTitle())
                .yAxisTitle(chart.yTitle())
                .build();
        XYStyler style = xy.getStyler();
        style.setXAxisLogarithmic(chart.logX());
        style.setYAxisLogarithmic(chart.logY());
        style.setXAxisDecimalPattern(chart.logX() ? "0.0E0" : "#,##0.###");
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setPlotGridLinesColor(new Color(0xdddddd));
        style.setLegendPosition(Styler.LegendPosition.OutsideS);
        style.setLegendLayout(Styler.LegendLayout.Horizontal);
        style.setLegendBorderColor(new Color(0xcccccc));
        style.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        style.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        style.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        style.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        style.setAntiAlias(true);
        int drawn = 0;
        double largest = 0;
        for (Series s : series) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < s.x().length; i++) {
                double xi = s.x()[i];
                double yi = s.y()[i];
                if (Double.isFinite(xi)
                        && Double.isFinite(yi)
                        && (!chart.logX() || xi > 0)
                        && (!chart.logY() || yi > 0)) {
                    x.add(xi);
                    y.add(yi);
                    largest = Math.max(largest, Math.abs(yi));
                }
            }
            if (x.isEmpty()) {
                continue;
            }
            XYSeries line = xy.addSeries(s.name(), x, y);
            line.setMarker(x.size() <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            line.setLineColor(COLORS[drawn % COLORS.length]);
            line.setMarkerColor(COLORS[drawn % COLORS.length]);
            line.setLineStyle(new BasicStroke(2f));
            drawn++;
        }
        if (drawn == 0) {
            return false;
        }
        style.setLegendVisible(drawn > 1);
        if (!chart.logY() && (largest < 0.01 || largest >= 1e6)) {
            style.setYAxisDecimalPattern("0.0##E0");
        }
        if (chart.markers().length > 0) {
            xy.setTitle(chart.title() + " (dashed " + (chart.markers().length == 1 ? "line" : "lines") + ": "
                    + chart.markerLabel() + ")");
            for (double x : chart.markers()) {
                xy.addAnnotation(new AnnotationLine(x, true, false));
            }
            style.setAnnotationLineColor(Color.DARK_GRAY);
            style.setAnnotationLineStroke(
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        // Through a stream: given a file name, XChart appends ".png" to a name without it, and the file written
        // would not be the one the caller names.
        try (OutputStream file = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(xy, file, BitmapEncoder.BitmapFormat.PNG);
        }
        return true;
    }
}
