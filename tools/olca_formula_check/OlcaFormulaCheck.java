// Evaluates formulas with openLCA's own interpreter (org.openlca.expressions, the olca-formula
// module of GreenDelta/olca-modules), for tests/load/test_olca_formula_reference.py.
//
// Not part of lca: it is compiled against a jar of openLCA's formula module that the user builds
// (docs/interop.md, "Checking the formulas against openLCA"); no openLCA code is in this folder.
//
// Reads tab-separated commands from stdin, one a line:
//   clear                      forget every binding
//   value <TAB> NAME <TAB> X   bind NAME to the number X (a global parameter)
//   formula <TAB> NAME <TAB> F bind NAME to the formula F (a dependent parameter)
//   eval <TAB> F               evaluate F; prints "ok <TAB> value" (Java's Double.toString) or
//                              "error <TAB> message"
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.openlca.expressions.FormulaInterpreter;

public class OlcaFormulaCheck {

	public static void main(String[] args) throws Exception {
		var interpreter = new FormulaInterpreter();
		var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] parts = line.split("\t", -1);
			switch (parts[0]) {
				case "clear" -> interpreter.clear();
				case "value" -> interpreter.bind(parts[1], Double.parseDouble(parts[2]));
				case "formula" -> interpreter.bind(parts[1], parts[2]);
				case "eval" -> {
					try {
						double value = interpreter.eval(parts[1]);
						System.out.println("ok\t" + Double.toString(value));
					} catch (Throwable e) {
						String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\t', ' ');
						System.out.println("error\t" + message);
					}
				}
				default -> System.out.println("error\tunknown command " + parts[0]);
			}
			System.out.flush();
		}
	}
}
