package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelCommandTest {

    @Test
    void textAndJsonFormsParseToTheSameCommand() {
        ModelCommand expected = new ModelCommand("m-1", ModelCommand.Kind.SET, "learning-rate", "0.01");
        assertThat(ModelCommand.parse("set m-1 learning-rate 0.01")).isEqualTo(expected);
        assertThat(ModelCommand.parse(
                        " {\"model\": \"m-1\", \"command\": \"SET\", \"key\": \"learning-rate\", \"value\": 0.01} "))
                .isEqualTo(expected);
        assertThat(ModelCommand.parse("{\"model\":\"*\",\"command\":\"resume\",\"key\":null}"))
                .isEqualTo(new ModelCommand("*", ModelCommand.Kind.RESUME, "", ""));
        assertThat(ModelCommand.parse("{\"model\":\"a\\u0062\",\"command\":\"reset\"}")
                        .model())
                .isEqualTo("ab");
    }

    @Test
    void malformedCommandsSayWhatIsExpected() {
        assertThatThrownBy(() -> ModelCommand.parse("pause m")).hasMessageContaining("unknown command 'pause'");
        assertThatThrownBy(() -> ModelCommand.parse("set m lr")).hasMessageContaining("expected");
        assertThatThrownBy(() -> ModelCommand.parse("{\"command\":\"resume\"}")).hasMessageContaining("no model");
        assertThatThrownBy(() -> ModelCommand.parse("{\"model\":\"m\",\"command\":\"set\"}"))
                .hasMessageContaining("set needs a key and a value");
        assertThatThrownBy(() -> ModelCommand.parse("{\"model\":\"m\" \"command\":\"reset\"}"))
                .hasMessageContaining("position 13: expected '}'");
    }
}
