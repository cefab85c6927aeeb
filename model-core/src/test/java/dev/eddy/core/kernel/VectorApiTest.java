package dev.eddy.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VectorApiTest {

    @Test
    void thePropertyTurnsEveryVectorKernelOffAndOn() {
        String before = System.getProperty(VectorApi.PROPERTY);
        try {
            System.setProperty(VectorApi.PROPERTY, "false");
            assertThat(VectorRows.load()).isNull();
            assertThat(VectorRounding.load()).isNull();
            System.setProperty(VectorApi.PROPERTY, "true");
            assertThat(VectorRows.load()).isNotNull();
            assertThat(VectorRounding.load()).isNotNull();
        } finally {
            if (before == null) {
                System.clearProperty(VectorApi.PROPERTY);
            } else {
                System.setProperty(VectorApi.PROPERTY, before);
            }
        }
    }
}
