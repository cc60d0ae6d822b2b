package org.lrid.report;

import java.awt.Color;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** The report's charts, rendered to PNG and embedded as data URIs (no files, no server). */
final class Charts {

    static final int WIDTH = 720;
    static final int HEIGHT = 420;

    private Charts() {}

    /**
     * One line per named series over shared x values; {@code spread} (may be null) draws error
     * bars.
     */
    static String lines(
            String title,
            String xTitle,
            String yTitle,
            Map<String, double[][]> series,
            boolean errorBars) {
        XYChart c =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle(xTitle)
                        .yAxisTitle(yTitle)
                        .build();
        style(c);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] v = e.getValue();
            XYSeries s =
                    errorBars && v.length > 2
                            ? c.addSeries(e.getKey(), v[0], v[1], v[2])
                            : c.addSeries(e.getKey(), v[0], v[1]);
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        return png(c);
    }

    /**
     * A reliability (calibration) diagram: per bin of top probability, accuracy against mean
     * confidence, one line per named curve ({x, y} arrays, empty bins left out), and the diagonal
     * of perfect calibration.
     */
    static String reliability(String title, Map<String, double[][]> curves) {
        XYChart c =
                new XYChartBuilder()
                        .width(WIDTH * 2 / 3)
                        .height(HEIGHT * 5 / 6)
                        .title(title)
                        .xAxisTitle("confidence (top probability)")
                        .yAxisTitle("accuracy")
                        .build();
        style(c);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(1.0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        XYSeries diagonal =
                c.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
        diagonal.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        diagonal.setLineColor(Color.GRAY);
        diagonal.setLineStyle(
                new java.awt.BasicStroke(
                        1f,
                        java.awt.BasicStroke.CAP_BUTT,
                        java.awt.BasicStroke.JOIN_MITER,
                        10f,
                        new float[] {4f, 4f},
                        0f));
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            if (e.getValue()[0].length == 0) {
                continue;
            }
            XYSeries s = c.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        return png(c);
    }

    /** Grouped bars with error bars and a dashed chance level. */
    static String bars(
            String title,
            String yTitle,
            List<String> categories,
            Map<String, double[][]> series,
            double chance) {
        CategoryChart c =
                new CategoryChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .yAxisTitle(yTitle)
                        .build();
        style(c);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            c.addSeries(e.getKey(), categories, toList(e.getValue()[0]), toList(e.getValue()[1]));
        }
        if (!Double.isNaN(chance)) {
            double[] level = new double[categories.size()];
            java.util.Arrays.fill(level, chance);
            CategorySeries s = c.addSeries("chance", categories, toList(level));
            s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
            s.setLineColor(Color.DARK_GRAY);
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
        return png(c);
    }

    /** Plain bars, one series. */
    static String simpleBars(
            String title, String yTitle, List<String> categories, double[] values) {
        CategoryChart c =
                new CategoryChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .yAxisTitle(yTitle)
                        .build();
        style(c);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisLabelRotation(60);
        c.addSeries(yTitle, categories, toList(values));
        return png(c);
    }

    /** A heat map with the value printed in each cell. */
    static String heatmap(
            String title,
            List<String> xLabels,
            List<String> yLabels,
            double[][] z,
            String xTitle,
            String yTitle) {
        HeatMapChart c =
                new HeatMapChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle(xTitle)
                        .yAxisTitle(yTitle)
                        .build();
        c.getStyler().setShowValue(true);
        c.getStyler().setValueFontColor(Color.BLACK);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setHeatMapValueDecimalPattern("0.00");
        c.getStyler().setHeatMapDecimalValueFormatter(v -> String.format("%.2f", v));
        c.getStyler()
                .setRangeColors(
                        new Color[] {
                            new Color(247, 251, 255),
                            new Color(107, 174, 214),
                            new Color(8, 48, 107)
                        });
        c.getStyler().setMin(0.0);
        c.getStyler().setMax(1.0);
        List<Number[]> data = new java.util.ArrayList<>();
        for (int x = 0; x < xLabels.size(); x++) {
            for (int y = 0; y < yLabels.size(); y++) {
                if (!Double.isNaN(z[y][x])) {
                    data.add(new Number[] {x, y, z[y][x]});
                }
            }
        }
        c.addSeries(title, xLabels, yLabels, data);
        return png(c);
    }

    private static void style(Chart<?, ?> c) {
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setLegendBorderColor(Color.WHITE);
        c.getStyler().setChartTitleBoxVisible(false);
    }

    private static List<Double> toList(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    private static String png(Chart<?, ?> c) {
        try {
            return "data:image/png;base64,"
                    + Base64.getEncoder()
                            .encodeToString(
                                    BitmapEncoder.getBitmapBytes(
                                            c, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new IllegalStateException("chart rendering failed", e);
        }
    }
}
